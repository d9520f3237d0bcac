/* probe.h - `--probe`: ask a running program's /health endpoint whether it is healthy, for a
 * container HEALTHCHECK that needs no curl in the image. Shell code: one blocking TCP exchange
 * with a deadline. */
#ifndef BLIP_PROBE_H
#define BLIP_PROBE_H
#include <stddef.h>

#include "addr.h"

#define PROBE_TIMEOUT_MS 3000 /* connect + request + status line, all together */

/* GET /health on a. Returns 0 when the answer is 200, else -1 with a one-line reason in err
 * (the status and the body's reason, or the socket error). */
int probe_health(const struct addr *a, char *err, size_t errlen);

/* The --probe flag of a program: parses target ([ADDR:]PORT), probes it, prints one line
 * ("PROG: healthy" on stdout, or the reason on stderr) and returns the exit status:
 * 0 healthy, 1 not, 2 for a bad address. */
int probe_main(const char *prog, const char *target);
#endif
