/* control.h - run-time tuning messages for blip-detector.
 * A control message is a JSON object: {"series":"web","threshold":3,"id":"42"} changes series web
 * (no "series", or "*", changes all series); {"get":true,"series":"web"} asks for the settings.
 * Settable: algo, window, warmup, threshold, alpha, min_std, cusum_k, hst_trees, hst_depth,
 * min_duration, cooldown, gap, end_threshold, report. Unknown keys, wrong types and values out of
 * range make the whole message fail with a reason; nothing is changed then.
 * Settings are stored in the same form (control_settings_json) in a Redis hash so a restarted
 * detector resumes with them. Pure: parses text, no I/O. */
#ifndef BLIP_CONTROL_H
#define BLIP_CONTROL_H
#include <stddef.h>

#include "codec.h"
#include "detect.h"

#define CONTROL_MSG_MAX 4096  /* longer control messages are refused */
#define CONTROL_ID_MAX 64     /* the request id echoed in the reply */
#define CONTROL_JSON_MAX 1024 /* control_settings_json output fits in this */

struct control_request {
    int all;                           /* applies to every series */
    char series[CODEC_SERIES_MAX + 1]; /* when !all */
    int get;                           /* only asks; conf is the current settings */
    char id[CONTROL_ID_MAX + 1];       /* "" when absent */
    struct detect_conf conf;           /* the settings after the change */
    int changed;                       /* fields set by the message */
};

/* Parses msg[0..len) against the settings currently in force for its target (taken from d).
 * Returns 0, or -1 with the reason in err (req->id is filled when it could be read). */
int control_parse(const char *msg, size_t len, const struct detect *d, struct control_request *req,
                  char *err, size_t errlen);

/* Applies a settings object (the fields above) onto conf. Returns 0, or -1 with the reason. */
int control_apply(const char *json, size_t len, struct detect_conf *conf, char *err,
                  size_t errlen);

/* Writes every setting of c as one JSON object. Returns the length (buf holds CONTROL_JSON_MAX). */
size_t control_settings_json(const struct detect_conf *c, char *buf);

/* Writes the reply: {"ok":true,"id":...,"series":...,"settings":{...}} or
 * {"ok":false,"id":...,"error":"..."}. Returns the length (buf holds 2 * CONTROL_JSON_MAX). */
size_t control_reply_json(const struct control_request *req, int ok, const char *error,
                          char *buf);
#endif
