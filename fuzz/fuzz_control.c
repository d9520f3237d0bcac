/* fuzz_control.c - libFuzzer harness for run-time control messages (control.h).
 * Each input is parsed as a control message against a fresh detector that has two series, one
 * with settings of its own, and applied as a saved settings object. Properties: a refusal has a
 * reason; an accepted change is accepted by detect_configure too (control_parse promises it
 * checked everything) and is then in force (for "*", on the series with settings of its own
 * too); a "get" reports the settings in force; the settings JSON that would be saved in
 * blip:config loads back onto the defaults and saves as the same text (a restarted detector
 * resumes exactly); the reply is valid JSON; the reconfigured detector scores points. */
#include <cJSON.h>
#include <string.h>

#include "control.h"
#include "detect.h"
#include "fuzz.h"

#define FUZZ_ERR_MAX 256
#define FUZZ_MAX_SERIES 8
#define FUZZ_POINTS 40 /* points pushed per series before and after a change */

static void fuzz_push(struct detect *d, const char *series, int n) {
    struct point p;
    struct detect_result r;
    struct anomaly a;

    memset(&p, 0, sizeof p);
    snprintf(p.series, sizeof p.series, "%s", series);
    for (int i = 0; i < n; i++) {
        p.value = 100.0 + (double)(i % 7) + (i == n - 1 ? 1000.0 : 0.0);
        p.ts = 1767225600000LL + i * 1000LL;
        p.has = CODEC_HAS_TS;
        detect_push(d, &p, &r, &a);
    }
}

static void fuzz_setup(struct detect *d) {
    struct detect_conf conf, own;
    char err[FUZZ_ERR_MAX];

    detect_conf_default(&conf, SCORE_SMA);
    FUZZ_CHECK(detect_init(d, &conf, FUZZ_MAX_SERIES, err, sizeof err) == 0, "init: %s", err);
    fuzz_push(d, "web", FUZZ_POINTS);
    fuzz_push(d, "db", FUZZ_POINTS);
    own = conf;
    own.score.threshold = 4;
    FUZZ_CHECK(detect_configure(d, "web", &own, err, sizeof err) == 0, "configure: %s", err);
}

/* Saving c and loading it back onto the defaults gives c's text again. */
static void fuzz_persist_round_trip(const struct detect_conf *c) {
    char saved[CONTROL_JSON_MAX], again[CONTROL_JSON_MAX], err[FUZZ_ERR_MAX] = "";
    struct detect_conf loaded;
    size_t n = control_settings_json(c, saved);

    FUZZ_CHECK(n > 0 && n < CONTROL_JSON_MAX - 1, "settings length %zu", n);
    detect_conf_default(&loaded, SCORE_SMA);
    FUZZ_CHECK(control_apply(saved, n, &loaded, err, sizeof err) == 0,
               "saved settings do not load: %s: %s", err, saved);
    control_settings_json(&loaded, again);
    FUZZ_CHECK(strcmp(saved, again) == 0, "settings change across a save and load:\n%s\n%s",
               saved, again);
}

static void fuzz_reply(const struct control_request *req, int ok, const char *err) {
    char reply[2 * CONTROL_JSON_MAX];
    size_t n = control_reply_json(req, ok, err, reply);
    cJSON *o;

    FUZZ_CHECK(n > 0 && n < 2 * CONTROL_JSON_MAX - 1, "reply length %zu", n);
    o = cJSON_ParseWithLength(reply, n);
    FUZZ_CHECK(o && cJSON_IsObject(o), "reply is not a JSON object: %s", reply);
    cJSON_Delete(o);
}

static void fuzz_parse(const char *msg, size_t len) {
    struct detect d;
    struct control_request req;
    char err[FUZZ_ERR_MAX] = "";
    int ok;

    fuzz_setup(&d);
    ok = control_parse(msg, len, &d, &req, err, sizeof err) == 0;
    if (!ok) {
        FUZZ_CHECK(err[0] != '\0', "refusal without a reason");
    } else if (req.get) {
        FUZZ_CHECK(memcmp(&req.conf, detect_conf_of(&d, req.all ? NULL : req.series),
                          sizeof req.conf) == 0,
                   "a get request reports other settings than those in force");
    } else {
        FUZZ_CHECK(detect_configure(&d, req.all ? NULL : req.series, &req.conf, err,
                                    sizeof err) == 0,
                   "accepted change refused by detect_configure: %s", err);
        FUZZ_CHECK(memcmp(&req.conf, detect_conf_of(&d, req.all ? "web" : req.series),
                          sizeof req.conf) == 0,
                   "the settings in force are not the ones accepted");
        fuzz_persist_round_trip(&req.conf);
        fuzz_push(&d, "web", FUZZ_POINTS);
        fuzz_push(&d, "db", FUZZ_POINTS);
        fuzz_push(&d, req.all ? "new" : req.series, FUZZ_POINTS);
    }
    fuzz_reply(&req, ok, err);
    detect_clear(&d);
}

static void fuzz_apply(const char *json, size_t len) {
    struct detect_conf conf;
    char err[FUZZ_ERR_MAX] = "";

    detect_conf_default(&conf, SCORE_EMA);
    if (control_apply(json, len, &conf, err, sizeof err) != 0) {
        FUZZ_CHECK(err[0] != '\0', "refusal without a reason");
        return;
    }
    FUZZ_CHECK(score_params_check(&conf.score, err, sizeof err) == 0 &&
                   episode_params_check(&conf.episode, err, sizeof err) == 0,
               "applied settings are invalid: %s", err);
    fuzz_persist_round_trip(&conf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_parse((const char *)data, size);
    fuzz_apply((const char *)data, size);
    return 0;
}
