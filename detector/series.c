/* series.c - see series.h. */
#include "series.h"

#include <string.h>

#include "xalloc.h"

#define SERIES_BUCKETS_MIN 64

/* FNV-1a, 64-bit: names are short, so a simple byte hash is as fast as anything. */
static uint64_t series_hash(const char *s, size_t len) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void series_table_init(struct series_table *t, size_t max) {
    memset(t, 0, sizeof *t);
    t->max = max ? max : 1;
    t->nbuckets = SERIES_BUCKETS_MIN;
    t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
}

void series_table_clear(struct series_table *t) {
    struct series *s = t->newest;
    while (s) {
        struct series *next = s->older;
        score_clear(&s->score);
        xfree(s);
        s = next;
    }
    xfree(t->buckets);
    t->buckets = NULL;
    t->nbuckets = t->len = 0;
    t->newest = t->oldest = NULL;
}

static void series_unlink(struct series_table *t, struct series *s) {
    if (s->newer)
        s->newer->older = s->older;
    else
        t->newest = s->older;
    if (s->older)
        s->older->newer = s->newer;
    else
        t->oldest = s->newer;
    s->newer = s->older = NULL;
}

static void series_link_newest(struct series_table *t, struct series *s) {
    s->older = t->newest;
    s->newer = NULL;
    if (t->newest)
        t->newest->newer = s;
    t->newest = s;
    if (!t->oldest)
        t->oldest = s;
}

static void series_grow(struct series_table *t) {
    size_t n = t->nbuckets * 2;
    struct series **b = xcalloc(n, sizeof *b);
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct series *s = t->buckets[i];
        while (s) {
            struct series *next = s->chain;
            size_t k = s->hash & (n - 1);
            s->chain = b[k];
            b[k] = s;
            s = next;
        }
    }
    xfree(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

static void series_evict_oldest(struct series_table *t) {
    struct series *victim = t->oldest;
    struct series **pp = &t->buckets[victim->hash & (t->nbuckets - 1)];
    while (*pp != victim)
        pp = &(*pp)->chain;
    *pp = victim->chain;
    series_unlink(t, victim);
    score_clear(&victim->score);
    xfree(victim);
    t->len--;
    t->evicted++;
}

struct series *series_find(const struct series_table *t, const char *name, size_t len) {
    uint64_t h = series_hash(name, len);
    struct series *s = t->buckets[h & (t->nbuckets - 1)];
    for (; s; s = s->chain)
        if (s->hash == h && s->name_len == len && memcmp(s->name, name, len) == 0)
            return s;
    return NULL;
}

struct series *series_get(struct series_table *t, const char *name, size_t len,
                          const struct score_params *params, int *created) {
    uint64_t h = series_hash(name, len);
    struct series **bucket = &t->buckets[h & (t->nbuckets - 1)];
    struct series *s;

    if (created)
        *created = 0;
    for (s = *bucket; s; s = s->chain) {
        if (s->hash == h && s->name_len == len && memcmp(s->name, name, len) == 0) {
            if (t->newest != s) {
                series_unlink(t, s);
                series_link_newest(t, s);
            }
            return s;
        }
    }
    if (len > CODEC_SERIES_MAX)
        return NULL;
    s = xcalloc(1, sizeof *s);
    if (score_init(&s->score, params) != 0) {
        xfree(s);
        return NULL;
    }
    if (t->len >= t->max)
        series_evict_oldest(t);
    if (t->len + 1 > t->nbuckets - t->nbuckets / 4)
        series_grow(t);
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    s->name_len = len;
    s->hash = h;
    bucket = &t->buckets[h & (t->nbuckets - 1)];
    s->chain = *bucket;
    *bucket = s;
    series_link_newest(t, s);
    t->len++;
    if (created)
        *created = 1;
    return s;
}
