/* episode.c - see episode.h. */
#include "episode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const episode_events[] = {"none", "open", "update", "close"};
static const char *const episode_reports[EPISODE_REPORT_COUNT] = {"episodes", "points"};

const char *episode_event_name(enum episode_event e) {
    return (unsigned)e <= EPISODE_CLOSE ? episode_events[e] : "?";
}

const char *episode_report_name(enum episode_report r) {
    return (unsigned)r < EPISODE_REPORT_COUNT ? episode_reports[r] : "?";
}

int episode_report_parse(const char *s, enum episode_report *out) {
    for (int i = 0; i < EPISODE_REPORT_COUNT; i++) {
        if (strcmp(s, episode_reports[i]) == 0) {
            *out = (enum episode_report)i;
            return 0;
        }
    }
    return -1;
}

void episode_params_default(struct episode_params *p) {
    p->min_duration = 1;
    p->cooldown = 0;
    p->gap = 0;
    p->end_ratio = 1.0;
    p->report = EPISODE_REPORT_POINTS;
}

int episode_params_check(const struct episode_params *p, char *err, size_t errlen) {
    if (p->min_duration < 1 || p->min_duration > EPISODE_DURATION_MAX)
        return snprintf(err, errlen, "min-duration must be 1..%d", EPISODE_DURATION_MAX), -1;
    if (p->cooldown > EPISODE_DURATION_MAX || p->gap > EPISODE_DURATION_MAX)
        return snprintf(err, errlen, "cooldown and gap must be 0..%d", EPISODE_DURATION_MAX), -1;
    if (!(p->end_ratio > 0 && p->end_ratio <= 1))
        return snprintf(err, errlen, "end ratio must be in (0, 1]"), -1;
    if ((unsigned)p->report >= EPISODE_REPORT_COUNT)
        return snprintf(err, errlen, "unknown report mode"), -1;
    return 0;
}

void episode_init(struct episode_state *st) { memset(st, 0, sizeof *st); }

static void episode_close(struct episode_state *st, const struct episode_params *p,
                          struct episode_out *out) {
    st->open = 0;
    st->cooldown_left = p->cooldown;
    st->last_peak = st->severity;
    st->run = 0;
    out->event = EPISODE_CLOSE;
}

static void episode_open(struct episode_state *st, int64_t ts, struct episode_out *out) {
    st->open = 1;
    st->id++;
    st->start_index = st->run_start;
    st->start_ts = st->run_start_ts;
    st->end_index = st->index;
    st->end_ts = ts;
    st->peak_score = st->run_peak; /* the episode holds the whole run, not just this point */
    st->severity = st->run_severity;
    st->points = st->run;
    st->deviating = st->run;
    st->quiet = 0;
    st->cooldown_left = 0;
    out->flagged = 1;
    out->event = EPISODE_OPEN;
}

/* An open episode takes the point. */
static void episode_extend(struct episode_state *st, const struct episode_params *p,
                           const struct verdict *v, double threshold, int64_t ts,
                           struct episode_out *out) {
    double a = fabs(v->score);
    if (a < p->end_ratio * threshold) {
        if (++st->quiet > p->gap) {
            episode_close(st, p, out);
            return;
        }
    } else {
        st->quiet = 0;
        st->end_index = st->index; /* the episode ends at its last point above the end level */
        st->end_ts = ts;
    }
    st->points++;
    if (a > fabs(st->peak_score))
        st->peak_score = v->score;
    if (!v->anomaly)
        return;
    st->deviating++;
    if (v->severity > st->severity) {
        st->severity = v->severity;
        out->event = EPISODE_UPDATE;
    }
    if (p->report == EPISODE_REPORT_POINTS)
        out->flagged = 1;
}

void episode_push(struct episode_state *st, const struct episode_params *p, const struct verdict *v,
                  double threshold, int64_t ts, struct episode_out *out) {
    int cooling;

    out->flagged = 0;
    out->event = EPISODE_NONE;
    if (!v->ready) {
        st->index++; /* indexes count every point, verdict or not */
        return;
    }
    if (st->open) {
        episode_extend(st, p, v, threshold, ts, out);
        st->index++;
        return;
    }
    /* this point is one of the `cooldown` points after a close */
    cooling = st->cooldown_left > 0;
    if (cooling)
        st->cooldown_left--;
    if (v->anomaly) {
        if (st->run++ == 0) {
            st->run_start = st->index;
            st->run_start_ts = ts;
            st->run_peak = 0;
            st->run_severity = SEV_NONE;
            if (v->lag > 0) {
                /* a change-point verdict: the deviation began `lag` points ago */
                st->run_start = st->index >= v->lag ? st->index - v->lag : 0;
                st->run_start_ts = v->start_ts;
                st->run = v->lag >= UINT32_MAX ? UINT32_MAX : (unsigned)v->lag + 1;
            }
        }
        if (fabs(v->score) > fabs(st->run_peak))
            st->run_peak = v->score;
        if (v->severity > st->run_severity)
            st->run_severity = v->severity;
        if (st->run >= p->min_duration && (!cooling || st->run_severity > st->last_peak))
            episode_open(st, ts, out);
    } else {
        st->run = 0;
    }
    st->index++;
}

static size_t episode_put_ts(char *out, size_t n, int64_t ts) {
    int w = ts > 0 ? snprintf(out + n, CODEC_OUT_MAX - n, "%lld", (long long)ts)
                   : snprintf(out + n, CODEC_OUT_MAX - n, "null");
    return w < 0 ? n : n + (size_t)w;
}

size_t episode_encode(const struct episode_state *st, enum episode_event ev, const char *series,
                      const char *detector, char *out) {
    size_t n = 0;
    int w = snprintf(out, CODEC_OUT_MAX,
                     "{\"event\":\"%s\",\"series\":\"%s\",\"episode\":%llu,\"detector\":\"%s\","
                     "\"start_ts\":",
                     episode_event_name(ev), series, (unsigned long long)st->id, detector);
    if (w < 0 || w >= CODEC_OUT_MAX)
        return 0;
    n = episode_put_ts(out, (size_t)w, st->start_ts);
    w = snprintf(out + n, CODEC_OUT_MAX - n, ",\"end_ts\":");
    n = episode_put_ts(out, n + (size_t)w, st->end_ts);
    w = snprintf(out + n, CODEC_OUT_MAX - n,
                 ",\"peak_score\":%.4f,\"severity\":\"%s\",\"points\":%llu,\"deviating\":%llu}",
                 isfinite(st->peak_score) ? st->peak_score : 0.0,
                 codec_severity_name(st->severity), (unsigned long long)st->points,
                 (unsigned long long)st->deviating);
    if (w < 0 || (size_t)w >= CODEC_OUT_MAX - n)
        return 0;
    return n + (size_t)w;
}
