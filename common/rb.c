/* rb.c - see rb.h. */
#include "rb.h"

#include "xalloc.h"

int rb_init(struct rb *r, size_t cap) {
    if (cap == 0)
        return -1;
    r->alloc = cap < RB_ALLOC_MIN ? cap : RB_ALLOC_MIN;
    r->v = xcalloc(r->alloc, sizeof *r->v);
    r->cap = cap;
    r->len = 0;
    r->head = 0;
    return 0;
}

void rb_clear(struct rb *r) {
    xfree(r->v);
    r->v = NULL;
    r->cap = r->alloc = r->len = r->head = 0;
}

void rb_reset(struct rb *r) { r->len = r->head = 0; }

int rb_push(struct rb *r, double x, double *evicted) {
    if (r->len < r->cap) {
        size_t k;
        if (r->len == r->alloc) {
            /* not wrapped yet (nothing was evicted), so the values sit at 0..len-1 */
            size_t grown = r->alloc * 2 < r->cap ? r->alloc * 2 : r->cap;
            r->v = xrealloc(r->v, grown * sizeof *r->v);
            r->alloc = grown;
        }
        k = r->head + r->len;
        r->v[k >= r->alloc ? k - r->alloc : k] = x;
        r->len++;
        return 0;
    }
    *evicted = r->v[r->head];
    r->v[r->head] = x;
    r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
    return 1;
}
