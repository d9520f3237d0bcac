/* series.h - the detector's per-series state, found by name, bounded in number.
 * A chained hash table plus a recency list: when a new series arrives and `max` are tracked, the
 * least recently seen one is evicted (its state freed, the eviction counted).
 * Pure: no I/O; allocates series and buckets (xmalloc). */
#ifndef BLIP_SERIES_H
#define BLIP_SERIES_H
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "episode.h"
#include "score.h"

struct detect_conf;

#define SERIES_MAX_DEFAULT 10000 /* --max-series default */
#define SERIES_MAX_LIMIT 10000000

struct series {
    char name[CODEC_SERIES_MAX + 1];
    size_t name_len;
    uint64_t hash;
    struct score_state score; /* owned */
    struct score_params params; /* what score was initialised with */
    const struct detect_conf *conf; /* the settings in force; owned by struct detect */
    struct episode_state ep;  /* the episode layer's state */
    uint64_t points;          /* points scored */
    uint64_t anomalies;       /* points flagged */
    double last;              /* last value */
    double mean, std;         /* baseline of the last verdict; NAN until the first (warm-up) */
    struct series *chain;     /* next in the same bucket */
    struct series *newer, *older; /* recency list */
};

struct series_table {
    struct series **buckets; /* nbuckets heads, owned */
    size_t nbuckets;         /* power of two */
    size_t len;              /* series tracked */
    size_t max;              /* most series tracked at once, >= 1 */
    struct series *newest, *oldest;
    uint64_t evicted;        /* series dropped to stay within max */
};

void series_table_init(struct series_table *t, size_t max);
void series_table_clear(struct series_table *t); /* frees every series; safe to call twice */

/* Finds the series called name[0..len), or creates it with fresh state for params (evicting the
 * least recently seen series if the table is full). Marks it most recently seen. Returns NULL only
 * if params are invalid. *created (may be NULL) tells whether it is new. */
struct series *series_get(struct series_table *t, const char *name, size_t len,
                          const struct score_params *params, int *created);

/* Looks a series up without creating or touching it. */
struct series *series_find(const struct series_table *t, const char *name, size_t len);
#endif
