/* ost.h - an order-statistic multiset of doubles: insert, erase one copy, k-th smallest and rank.
 * Up to OST_SMALL keys it is a sorted array: O(1) selection and rank by bisection, and updates
 * that move O(n) contiguous doubles, which at that size cost less than a tree's scattered
 * touches. Above it, a treap with subtree sizes over a node pool: each operation O(log n)
 * expected. The rolling median and MAD of the detectors stand on it. Priorities come from a seeded counter, so the
 * shape, and the cost, is the same on every run.
 * Pure: no I/O; allocates in ost_init() and as the pool grows in ost_insert(). */
#ifndef BLIP_OST_H
#define BLIP_OST_H
#include <stddef.h>
#include <stdint.h>

struct ost_node {
    double key;
    uint32_t prio;
    uint32_t size;   /* nodes in this subtree */
    int32_t l, r;    /* children, 0 = none (node 0 is the sentinel) */
};

#define OST_SMALL 4096 /* up to this capacity the set is a sorted array (keys[0..small_len)) */

#define OST_ALLOC_MIN 64 /* keys or tree nodes allocated first; doubled up to cap as needed */

struct ost {
    struct ost_node *n; /* tree mode: alloc + 1 nodes, owned; n[0] is the empty sentinel */
    double *keys;       /* sorted-array mode: alloc keys, owned */
    size_t alloc;       /* nodes or keys allocated, <= cap */
    int small;          /* cap <= OST_SMALL: sorted-array mode */
    size_t small_len;   /* keys held in sorted-array mode */
    size_t cap;         /* most keys held */
    int32_t root;
    int32_t free_head;  /* free list through .l */
    uint64_t prio_state;
};

/* Returns 0, or -1 if cap is 0 or above INT32_MAX - 1. The pool grows with the keys held. */
int ost_init(struct ost *t, size_t cap);
void ost_clear(struct ost *t); /* frees; safe to call twice */
void ost_reset(struct ost *t); /* empties, keeps the pool */
static inline size_t ost_size(const struct ost *t) {
    return t->small ? t->small_len : t->n[t->root].size;
}
/* Inserts x. Returns 0, or -1 when full. */
int ost_insert(struct ost *t, double x);
/* Removes one copy of x. Returns 0, or -1 if x is not held. */
int ost_erase(struct ost *t, double x);
/* The k-th smallest key, 0 <= k < size. */
double ost_select(const struct ost *t, size_t k);
/* Keys strictly less than x. */
size_t ost_rank(const struct ost *t, double x);
#endif
