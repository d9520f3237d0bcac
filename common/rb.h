/* rb.h - fixed-capacity ring buffer of doubles: the last `cap` values of a series.
 * Pure: no I/O; allocates in rb_init() and as the buffer grows in rb_push(). */
#ifndef BLIP_RB_H
#define BLIP_RB_H
#include <stddef.h>

#define RB_ALLOC_MIN 16 /* slots allocated first; the array doubles up to cap as it fills */

struct rb {
    double *v;    /* alloc slots, owned */
    size_t cap;   /* capacity, >= 1 */
    size_t alloc; /* slots allocated, <= cap (all of them once the buffer has wrapped) */
    size_t len;  /* values held, 0..cap */
    size_t head; /* index of the oldest value */
};

/* Returns 0, or -1 if cap is 0 (r untouched). Memory grows with the values held, up to cap.
 * Allocation failure ends the program. */
int rb_init(struct rb *r, size_t cap);
void rb_clear(struct rb *r); /* frees the slots; safe to call twice */
void rb_reset(struct rb *r); /* forgets the values, keeps the slots */

/* Appends x. Returns 1 and stores the value pushed out in *evicted when the buffer was full,
 * else 0. */
int rb_push(struct rb *r, double x, double *evicted);

/* The i-th value, oldest first (0 <= i < len). */
static inline double rb_get(const struct rb *r, size_t i) {
    size_t k = r->head + i;
    return r->v[k >= r->alloc ? k - r->alloc : k];
}

static inline double rb_newest(const struct rb *r) { return rb_get(r, r->len - 1); }
#endif
