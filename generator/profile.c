/* profile.c - see profile.h. */
#include "profile.h"

#include <math.h>
#include <string.h>

static const char *const profile_names[PROFILE_COUNT] = {"response", "system"};

const char *profile_name(enum profile_kind kind) {
    return (unsigned)kind < PROFILE_COUNT ? profile_names[kind] : "?";
}

struct profile_spec {
    const char *name, *unit;
    double base, noise;
    int noise_abs;
    double high_offset, spike_prob, spike_scale, max;
    struct phase_step steps[4];
};

/* Host metrics: cpu swings between idle and busy quickly; memory climbs slowly (a leak) and drops
 * at once (a restart); disk is bursty and only positive; network is high-volume and noisy. */
static const struct profile_spec profile_system[] = {
    {"cpu", "%", 25, 4, 0, 45, 0.005, 25, 100,
     {{PHASE_NORMAL, 300}, {PHASE_RAMP_UP, 30}, {PHASE_HIGH, 120}, {PHASE_RAMP_DOWN, 30}}},
    {"memory", "%", 45, 0.4, 0, 30, 0.002, 5, 100,
     {{PHASE_NORMAL, 200}, {PHASE_RAMP_UP, 400}, {PHASE_HIGH, 50}, {PHASE_RAMP_DOWN, 5}}},
    {"disk", "MB/s", 8, 3, 1, 60, 0.01, 80, INFINITY,
     {{PHASE_NORMAL, 250}, {PHASE_RAMP_UP, 10}, {PHASE_HIGH, 40}, {PHASE_RAMP_DOWN, 10}}},
    {"network", "KB/s", 300, 40, 0, 900, 0.005, 600, INFINITY,
     {{PHASE_NORMAL, 400}, {PHASE_RAMP_UP, 50}, {PHASE_HIGH, 150}, {PHASE_RAMP_DOWN, 50}}},
};

size_t profile_series(enum profile_kind kind, struct profile_series *out) {
    if (kind != PROFILE_SYSTEM) {
        out[0].name = NULL;
        out[0].unit = "";
        out[0].key = CODEC_KEY_RESPONSE_TIME;
        phase_default_shape(&out[0].shape);
        return 1;
    }
    for (size_t i = 0; i < PROFILE_SERIES_MAX; i++) {
        const struct profile_spec *sp = &profile_system[i];
        struct phase_shape *sh = &out[i].shape;
        phase_default_shape(sh);
        out[i].name = sp->name;
        out[i].unit = sp->unit;
        out[i].key = CODEC_KEY_VALUE;
        sh->base = sp->base;
        sh->noise = sp->noise;
        sh->noise_abs = sp->noise_abs;
        sh->high_offset = sp->high_offset;
        sh->spike_prob = sp->spike_prob;
        sh->spike_scale = sp->spike_scale;
        sh->max = sp->max;
        memcpy(sh->steps, sp->steps, sizeof sp->steps);
        sh->nsteps = 4;
    }
    return PROFILE_SERIES_MAX;
}
