/* ost.c - see ost.h. Split/merge treap; recursion depth is the treap's height, O(log n)
 * expected. */
#include "ost.h"

#include "xalloc.h"

int ost_init(struct ost *t, size_t cap) {
    if (cap == 0 || cap > (size_t)INT32_MAX - 1)
        return -1;
    t->n = xcalloc(cap + 1, sizeof *t->n);
    t->cap = cap;
    t->prio_state = 0x2545f4914f6cdd1dULL;
    ost_reset(t);
    return 0;
}

void ost_clear(struct ost *t) {
    xfree(t->n);
    t->n = NULL;
    t->cap = 0;
    t->root = 0;
    t->free_head = 0;
}

void ost_reset(struct ost *t) {
    t->root = 0;
    t->n[0].size = 0;
    t->n[0].l = t->n[0].r = 0;
    for (size_t i = 1; i <= t->cap; i++)
        t->n[i].l = i < t->cap ? (int32_t)(i + 1) : 0;
    t->free_head = 1;
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

/* Splits i into keys < x (*a) and keys >= x (*b); with `le`, keys <= x and keys > x. */
static void ost_split(struct ost *t, int32_t i, double x, int le, int32_t *a, int32_t *b) {
    if (!i) {
        *a = *b = 0;
        return;
    }
    if (t->n[i].key < x || (le && t->n[i].key == x)) {
        ost_split(t, t->n[i].r, x, le, &t->n[i].r, b);
        *a = i;
    } else {
        ost_split(t, t->n[i].l, x, le, a, &t->n[i].l);
        *b = i;
    }
    ost_fix(t, i);
}

static int32_t ost_merge(struct ost *t, int32_t a, int32_t b) {
    if (!a || !b)
        return a ? a : b;
    if (t->n[a].prio > t->n[b].prio) {
        t->n[a].r = ost_merge(t, t->n[a].r, b);
        ost_fix(t, a);
        return a;
    }
    t->n[b].l = ost_merge(t, a, t->n[b].l);
    ost_fix(t, b);
    return b;
}

int ost_insert(struct ost *t, double x) {
    int32_t i = t->free_head, a, b;
    if (!i)
        return -1;
    t->free_head = t->n[i].l;
    t->n[i].key = x;
    t->n[i].prio = ost_prio(t);
    t->n[i].l = t->n[i].r = 0;
    t->n[i].size = 1;
    ost_split(t, t->root, x, 0, &a, &b);
    t->root = ost_merge(t, ost_merge(t, a, i), b);
    return 0;
}

int ost_erase(struct ost *t, double x) {
    int32_t a, b, m, c;
    ost_split(t, t->root, x, 0, &a, &b); /* a: < x, b: >= x */
    ost_split(t, b, x, 1, &m, &c);      /* m: == x, c: > x */
    if (!m) {
        t->root = ost_merge(t, a, c);
        return -1;
    }
    {
        int32_t gone = m;
        m = ost_merge(t, t->n[m].l, t->n[m].r); /* drop the root copy */
        t->n[gone].l = t->free_head;
        t->n[gone].r = 0;
        t->free_head = gone;
    }
    t->root = ost_merge(t, ost_merge(t, a, m), c);
    return 0;
}

double ost_select(const struct ost *t, size_t k) {
    int32_t i = t->root;
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
