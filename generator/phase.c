/* phase.c - see phase.h. */
#include "phase.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

static const char *const phase_names[PHASE_KIND_COUNT] = {"NORMAL", "RAMP_UP", "HIGH",
                                                          "RAMP_DOWN"};

const char *phase_name(enum phase_kind k) {
    return (unsigned)k < PHASE_KIND_COUNT ? phase_names[k] : "?";
}

void phase_default_shape(struct phase_shape *shape) {
    static const struct phase_step steps[] = {
        {PHASE_NORMAL, 200}, {PHASE_RAMP_UP, 100}, {PHASE_HIGH, 200}, {PHASE_RAMP_DOWN, 100}};
    memset(shape, 0, sizeof *shape);
    shape->base = 200.0;
    shape->noise = 2.5;
    shape->noise_abs = 1;
    shape->high_offset = 25.0;
    shape->spike_prob = 0.01;
    shape->spike_scale = 10.0;
    shape->min = 0.0;
    shape->max = INFINITY;
    shape->decimals = 2;
    memcpy(shape->steps, steps, sizeof steps);
    shape->nsteps = sizeof steps / sizeof steps[0];
}

uint64_t phase_cycle_ticks(const struct phase_shape *shape) {
    uint64_t n = 0;
    for (size_t i = 0; i < shape->nsteps; i++)
        n += shape->steps[i].ticks;
    return n;
}

static void phase_advance(struct phase_gen *g) {
    if (++g->in_step >= g->shape.steps[g->step].ticks) {
        g->in_step = 0;
        g->step = (g->step + 1) % g->shape.nsteps;
    }
}

void phase_init(struct phase_gen *g, const struct phase_shape *shape, uint64_t seed,
                uint64_t offset) {
    uint64_t cycle;
    g->shape = *shape;
    rng_seed(&g->rng, seed);
    g->step = 0;
    g->in_step = 0;
    cycle = phase_cycle_ticks(shape);
    offset = cycle ? offset % cycle : 0;
    while (offset >= g->shape.steps[g->step].ticks) {
        offset -= g->shape.steps[g->step].ticks;
        g->step++;
    }
    g->in_step = (uint32_t)offset;
}

static double phase_noise(struct phase_gen *g) {
    double n = rng_normal(&g->rng) * g->shape.noise;
    return g->shape.noise_abs ? fabs(n) : n;
}

void phase_next(struct phase_gen *g, struct phase_sample *out) {
    const struct phase_shape *s = &g->shape;
    const struct phase_step *st = &s->steps[g->step];
    double k = (double)g->in_step / (double)st->ticks;
    double v = s->base + phase_noise(g);
    double scale = pow(10.0, s->decimals);

    switch (st->kind) {
    case PHASE_RAMP_UP:
        v += s->high_offset * k;
        break;
    case PHASE_HIGH:
        v += s->high_offset + phase_noise(g);
        break;
    case PHASE_RAMP_DOWN:
        v += s->high_offset - s->high_offset * k;
        break;
    case PHASE_NORMAL:
    case PHASE_KIND_COUNT:
        break;
    }
    out->label = 0;
    out->spike = 0;
    if (s->spike_prob > 0 && rng_uniform(&g->rng) < s->spike_prob) {
        out->spike = fabs(rng_normal(&g->rng) * s->spike_scale);
        v += out->spike;
        out->label = 1;
    }
    if (v < s->min)
        v = s->min;
    if (v > s->max)
        v = s->max;
    out->value = round(v * scale) / scale;
    out->phase = st->kind;
    phase_advance(g);
}

int phase_parse_steps(const char *text, struct phase_shape *shape, char *err, size_t errlen) {
    struct phase_step steps[PHASE_STEPS_MAX];
    size_t n = 0;
    const char *p = text;

    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *colon = memchr(p, ':', len);
        int64_t ticks;
        int kind = -1;

        if (n >= PHASE_STEPS_MAX) {
            snprintf(err, errlen, "at most %d phases", PHASE_STEPS_MAX);
            return -1;
        }
        if (!colon) {
            snprintf(err, errlen, "expected NAME:TICKS, got \"%.*s\"", (int)(len > 40 ? 40 : len),
                     p);
            return -1;
        }
        for (int k = 0; k < PHASE_KIND_COUNT; k++)
            if (strlen(phase_names[k]) == (size_t)(colon - p) &&
                memcmp(phase_names[k], p, (size_t)(colon - p)) == 0)
                kind = k;
        if (kind < 0) {
            snprintf(err, errlen, "unknown phase \"%.*s\" (NORMAL, RAMP_UP, HIGH, RAMP_DOWN)",
                     (int)((size_t)(colon - p) > 40 ? 40 : (size_t)(colon - p)), p);
            return -1;
        }
        if (num_parse_i64(colon + 1, len - (size_t)(colon - p) - 1, 1, PHASE_TICKS_MAX, &ticks)) {
            snprintf(err, errlen, "phase %s: ticks must be 1..%u", phase_names[kind],
                     PHASE_TICKS_MAX);
            return -1;
        }
        steps[n].kind = (enum phase_kind)kind;
        steps[n].ticks = (uint32_t)ticks;
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    memcpy(shape->steps, steps, n * sizeof steps[0]);
    shape->nsteps = n;
    return 0;
}
