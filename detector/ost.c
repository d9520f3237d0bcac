/* ost.c - see ost.h. Insertion descends one path and rotates the new node up; erasure rotates
 * the node down to a leaf; recursion depth is the treap's height, O(log n) expected. */
#include "ost.h"

#include <string.h>

#include "xalloc.h"

int ost_init(struct ost *t, size_t cap) {
    if (cap == 0 || cap > (size_t)INT32_MAX - 1)
        return -1;
    t->alloc = cap < OST_ALLOC_MIN ? cap : OST_ALLOC_MIN;
    t->cap = cap;
    t->small = cap <= OST_SMALL;
    t->n = NULL;
    t->keys = NULL;
    if (t->small)
        t->keys = xcalloc(t->alloc, sizeof *t->keys);
    else
        t->n = xcalloc(t->alloc + 1, sizeof *t->n);
    t->prio_state = 0x2545f4914f6cdd1dULL;
    ost_reset(t);
    return 0;
}

void ost_clear(struct ost *t) {
    xfree(t->n);
    xfree(t->keys);
    t->n = NULL;
    t->keys = NULL;
    t->cap = t->alloc = 0;
    t->root = 0;
    t->free_head = 0;
    t->small_len = 0;
}

void ost_reset(struct ost *t) {
    t->small_len = 0;
    t->root = 0;
    t->free_head = 0;
    if (t->small)
        return;
    t->n[0].size = 0;
    t->n[0].l = t->n[0].r = 0;
    for (size_t i = 1; i <= t->alloc; i++)
        t->n[i].l = i < t->alloc ? (int32_t)(i + 1) : 0;
    t->free_head = 1;
}

/* Doubles the pool (up to cap) and threads the new nodes onto the free list. Indexes stay valid:
 * nodes refer to each other by index, never by pointer. */
static void ost_grow(struct ost *t) {
    size_t grown = t->alloc * 2 < t->cap ? t->alloc * 2 : t->cap;
    t->n = xrealloc(t->n, (grown + 1) * sizeof *t->n);
    memset(&t->n[t->alloc + 1], 0, (grown - t->alloc) * sizeof *t->n);
    for (size_t i = t->alloc + 1; i <= grown; i++)
        t->n[i].l = i < grown ? (int32_t)(i + 1) : 0;
    t->free_head = (int32_t)(t->alloc + 1);
    t->alloc = grown;
}

static uint32_t ost_prio(struct ost *t) {
    uint64_t z = (t->prio_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (uint32_t)(z >> 32);
}

static void ost_fix(struct ost *t, int32_t i) {
    t->n[i].size = 1 + t->n[t->n[i].l].size + t->n[t->n[i].r].size;
}

static int32_t ost_rotate_right(struct ost *t, int32_t i) {
    int32_t l = t->n[i].l;
    t->n[i].l = t->n[l].r;
    t->n[l].r = i;
    ost_fix(t, i);
    ost_fix(t, l);
    return l;
}

static int32_t ost_rotate_left(struct ost *t, int32_t i) {
    int32_t r = t->n[i].r;
    t->n[i].r = t->n[r].l;
    t->n[r].l = i;
    ost_fix(t, i);
    ost_fix(t, r);
    return r;
}

/* Inserts node k under i: down one path, then rotated up while its priority is higher. */
static int32_t ost_insert_at(struct ost *t, int32_t i, int32_t k) {
    if (!i)
        return k;
    t->n[i].size++;
    if (t->n[k].key < t->n[i].key) {
        t->n[i].l = ost_insert_at(t, t->n[i].l, k);
        if (t->n[t->n[i].l].prio > t->n[i].prio)
            i = ost_rotate_right(t, i);
    } else {
        t->n[i].r = ost_insert_at(t, t->n[i].r, k);
        if (t->n[t->n[i].r].prio > t->n[i].prio)
            i = ost_rotate_left(t, i);
    }
    return i;
}

/* Removes one node holding x under i (rotated down to a leaf first); *gone receives it. */
static int32_t ost_erase_at(struct ost *t, int32_t i, double x, int32_t *gone) {
    if (!i)
        return 0;
    if (x < t->n[i].key) {
        t->n[i].l = ost_erase_at(t, t->n[i].l, x, gone);
    } else if (x > t->n[i].key) {
        t->n[i].r = ost_erase_at(t, t->n[i].r, x, gone);
    } else {
        int32_t l = t->n[i].l, r = t->n[i].r;
        if (!l || !r) {
            *gone = i;
            return l ? l : r;
        }
        if (t->n[l].prio > t->n[r].prio) {
            i = ost_rotate_right(t, i);
            t->n[i].r = ost_erase_at(t, t->n[i].r, x, gone);
        } else {
            i = ost_rotate_left(t, i);
            t->n[i].l = ost_erase_at(t, t->n[i].l, x, gone);
        }
    }
    if (*gone)
        ost_fix(t, i);
    return i;
}

/* Small sets are a sorted array: keys[0..small_len). The first index whose key is not below x. */
static size_t ost_small_lower(const struct ost *t, double x) {
    size_t lo = 0, hi = t->small_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->keys[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int ost_small_insert(struct ost *t, double x) {
    size_t at;
    if (t->small_len >= t->cap)
        return -1;
    if (t->small_len == t->alloc) {
        t->alloc = t->alloc * 2 < t->cap ? t->alloc * 2 : t->cap;
        t->keys = xrealloc(t->keys, t->alloc * sizeof *t->keys);
    }
    at = ost_small_lower(t, x);
    memmove(&t->keys[at + 1], &t->keys[at], (t->small_len - at) * sizeof *t->keys);
    t->keys[at] = x;
    t->small_len++;
    return 0;
}

int ost_insert(struct ost *t, double x) {
    int32_t i;
    if (t->small)
        return ost_small_insert(t, x);
    if (!t->free_head && t->alloc < t->cap)
        ost_grow(t);
    i = t->free_head;
    if (!i)
        return -1;
    t->free_head = t->n[i].l;
    t->n[i].key = x;
    t->n[i].prio = ost_prio(t);
    t->n[i].l = t->n[i].r = 0;
    t->n[i].size = 1;
    t->root = ost_insert_at(t, t->root, i);
    return 0;
}

int ost_erase(struct ost *t, double x) {
    int32_t gone = 0;
    if (t->small) {
        size_t at = ost_small_lower(t, x);
        if (at >= t->small_len || t->keys[at] != x)
            return -1;
        memmove(&t->keys[at], &t->keys[at + 1], (t->small_len - at - 1) * sizeof *t->keys);
        t->small_len--;
        return 0;
    }
    t->root = ost_erase_at(t, t->root, x, &gone);
    if (!gone)
        return -1;
    /* the sizes on the path were fixed on the way back up */
    t->n[gone].l = t->free_head;
    t->n[gone].r = 0;
    t->free_head = gone;
    return 0;
}

double ost_select(const struct ost *t, size_t k) {
    int32_t i = t->root;
    if (t->small)
        return k < t->small_len ? t->keys[k] : 0;
    while (i) {
        size_t left = t->n[t->n[i].l].size;
        if (k < left) {
            i = t->n[i].l;
        } else if (k == left) {
            return t->n[i].key;
        } else {
            k -= left + 1;
            i = t->n[i].r;
        }
    }
    return 0; /* k out of range: the contract excludes it */
}

size_t ost_rank(const struct ost *t, double x) {
    int32_t i = t->root;
    size_t r = 0;
    if (t->small)
        return ost_small_lower(t, x);
    while (i) {
        if (t->n[i].key < x) {
            r += t->n[t->n[i].l].size + 1;
            i = t->n[i].r;
        } else {
            i = t->n[i].l;
        }
    }
    return r;
}
