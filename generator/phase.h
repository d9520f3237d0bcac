/* phase.h - the simulated web server: a repeating cycle of load phases with noise and spikes.
 * The default shape is the original's: NORMAL 200 ticks, RAMP_UP 100, HIGH 200, RAMP_DOWN 100;
 * base 200 ms + |N(0, 2.5)|; ramps add high_offset*k/ticks; HIGH adds high_offset + |N(0, 2.5)|;
 * with probability 0.01 a spike adds |N(0, 10)| and is labelled.
 * Pure: seeded, no I/O, no clock. */
#ifndef BLIP_PHASE_H
#define BLIP_PHASE_H
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define PHASE_STEPS_MAX 32           /* phases in one cycle */
#define PHASE_TICKS_MAX 1000000000u  /* longest phase */

enum phase_kind { PHASE_NORMAL, PHASE_RAMP_UP, PHASE_HIGH, PHASE_RAMP_DOWN, PHASE_KIND_COUNT };

struct phase_step {
    enum phase_kind kind;
    uint32_t ticks; /* 1..PHASE_TICKS_MAX */
};

struct phase_shape {
    double base;        /* level in NORMAL */
    double noise;       /* SD of the noise, >= 0 */
    int noise_abs;      /* 1: noise is |N(0, noise)| (response times), 0: N(0, noise) */
    double high_offset; /* level added in HIGH; RAMP_UP climbs to it, RAMP_DOWN descends */
    double spike_prob;  /* per-point probability of a spike, 0..1 */
    double spike_scale; /* a spike adds |N(0, spike_scale)| */
    double min, max;    /* values are clamped into [min, max] */
    int decimals;       /* values are rounded to this many places (0..6) */
    struct phase_step steps[PHASE_STEPS_MAX];
    size_t nsteps;      /* 1..PHASE_STEPS_MAX */
};

struct phase_gen {
    struct phase_shape shape;
    struct rng rng;
    size_t step;      /* current index into shape.steps */
    uint32_t in_step; /* ticks already spent in the current step */
};

struct phase_sample {
    double value;
    enum phase_kind phase;
    int label;    /* 1 when a spike was injected */
    double spike; /* what the spike added (0 without one) */
};

/* Fills shape with the original's response-time defaults. */
void phase_default_shape(struct phase_shape *shape);

/* Starts a generator on shape (copied), seeded, `offset` ticks into the cycle. */
void phase_init(struct phase_gen *g, const struct phase_shape *shape, uint64_t seed,
                uint64_t offset);

/* Produces the next point and advances one tick. */
void phase_next(struct phase_gen *g, struct phase_sample *out);

/* Ticks in one full cycle. */
uint64_t phase_cycle_ticks(const struct phase_shape *shape);

/* Parses "NORMAL:200,RAMP_UP:100,..." into shape->steps. Returns 0, or -1 with the reason in err
 * (shape untouched). */
int phase_parse_steps(const char *text, struct phase_shape *shape, char *err, size_t errlen);

const char *phase_name(enum phase_kind k); /* "NORMAL", "RAMP_UP", "HIGH", "RAMP_DOWN" */
#endif
