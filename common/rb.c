/* rb.c - see rb.h. */
#include "rb.h"

#include "xalloc.h"

int rb_init(struct rb *r, size_t cap) {
    if (cap == 0)
        return -1;
    r->v = xcalloc(cap, sizeof *r->v);
    r->cap = cap;
    r->len = 0;
    r->head = 0;
    return 0;
}

void rb_clear(struct rb *r) {
    xfree(r->v);
    r->v = NULL;
    r->cap = r->len = r->head = 0;
}

void rb_reset(struct rb *r) { r->len = r->head = 0; }

int rb_push(struct rb *r, double x, double *evicted) {
    if (r->len < r->cap) {
        size_t k = r->head + r->len;
        r->v[k >= r->cap ? k - r->cap : k] = x;
        r->len++;
        return 0;
    }
    *evicted = r->v[r->head];
    r->v[r->head] = x;
    r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
    return 1;
}
