/* profile.h - named sets of simulated series: "response" (one web server's response times, the
 * original's shape) and "system" (host metrics cpu, memory, disk, network, each with its own
 * unit, level, noise and phase rhythm, as host-metric simulators produce). Pure. */
#ifndef BLIP_PROFILE_H
#define BLIP_PROFILE_H
#include <stddef.h>

#include "codec.h"
#include "phase.h"

#define PROFILE_SERIES_MAX 4 /* series in the largest built-in profile */

enum profile_kind { PROFILE_RESPONSE, PROFILE_SYSTEM, PROFILE_COUNT };

struct profile_series {
    const char *name; /* series name; NULL in "response": the --series names are used */
    const char *unit; /* "" for response times (ms, implied by the key) */
    enum codec_value_key key;
    struct phase_shape shape;
};

/* Fills out[0..n) with the profile's series templates. Returns n (1..PROFILE_SERIES_MAX). */
size_t profile_series(enum profile_kind kind, struct profile_series *out);
const char *profile_name(enum profile_kind kind);
#endif
