/* clock.h - the two clocks blip uses: monotonic for intervals and rates, wall for timestamps. */
#ifndef BLIP_CLOCK_H
#define BLIP_CLOCK_H
#include <stdint.h>

uint64_t clock_mono_ns(void); /* monotonic nanoseconds, arbitrary origin */
uint64_t clock_mono_ms(void); /* monotonic milliseconds, arbitrary origin */
int64_t clock_wall_ms(void);  /* Unix time in milliseconds */
#endif
