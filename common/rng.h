/* rng.h - seeded pseudo-random numbers (xoshiro256**, seeded through splitmix64), so that a seed
 * reproduces a stream bit for bit on every machine. Pure: the state is the caller's. */
#ifndef BLIP_RNG_H
#define BLIP_RNG_H
#include <stdint.h>

struct rng {
    uint64_t s[4];
    int has_spare;  /* rng_normal() makes two values at a time */
    double spare;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);   /* uniform 64-bit */
double rng_uniform(struct rng *r);  /* uniform in [0, 1) */
double rng_normal(struct rng *r);   /* standard normal N(0, 1) */
/* Mixes a seed with a stream number into an independent seed (splitmix64 of both). */
uint64_t rng_derive(uint64_t seed, uint64_t stream);
#endif
