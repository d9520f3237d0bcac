/* test_keys.c - key bindings and the interface state they change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "keys.h"

static void test_defaults(void **state) {
    struct keys_state st;
    (void)state;
    memset(&st, 0xff, sizeof st);
    keys_init(&st);
    assert_int_equal(st.paused, 0);
    assert_int_equal(st.show_log, 1);
    assert_int_equal(st.show_band, 1);
    assert_int_equal(st.show_help, 0);
    assert_int_equal(st.quit, 0);
    assert_int_equal(st.selected, 0);
}

static void test_bindings(void **state) {
    static const struct {
        int key;
        enum keys_action action;
    } cases[] = {
        {'q', KEYS_QUIT},         {'Q', KEYS_QUIT},          {3, KEYS_QUIT},
        {'p', KEYS_PAUSE},        {' ', KEYS_PAUSE},         {'P', KEYS_PAUSE},
        {'+', KEYS_ZOOM_IN},      {'=', KEYS_ZOOM_IN},       {'-', KEYS_ZOOM_OUT},
        {'_', KEYS_ZOOM_OUT},     {'\t', KEYS_NEXT},         {KEYS_K_DOWN, KEYS_NEXT},
        {KEYS_K_RIGHT, KEYS_NEXT}, {'j', KEYS_NEXT},         {KEYS_K_BTAB, KEYS_PREV},
        {KEYS_K_UP, KEYS_PREV},   {KEYS_K_LEFT, KEYS_PREV},  {'k', KEYS_PREV},
        {'l', KEYS_LOG},          {'L', KEYS_LOG},           {'b', KEYS_BAND},
        {'c', KEYS_CLEAR},        {'C', KEYS_CLEAR},         {'?', KEYS_HELP},
        {'h', KEYS_HELP},         {12, KEYS_REDRAW},         {KEYS_K_RESIZE, KEYS_RESIZE},
        {'x', KEYS_NONE},         {'\n', KEYS_NONE},         {KEYS_ESC, KEYS_NONE},
        {KEYS_K_OTHER, KEYS_NONE}, {0x00e9, KEYS_NONE},      {KEYS_K_NONE, KEYS_NONE},
    };
    struct keys_state st;
    (void)state;
    keys_init(&st);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(keys_map(&st, cases[i].key), cases[i].action);
}

static void test_help_swallows_keys_but_quit(void **state) {
    static const int closes[] = {'x', 'p', ' ', '+', '\t', 'l', 'c', '?', KEYS_ESC, KEYS_K_UP};
    struct keys_state st;
    (void)state;
    keys_init(&st);
    assert_int_equal(keys_apply(&st, keys_map(&st, '?'), 2), 1);
    assert_int_equal(st.show_help, 1);
    for (size_t i = 0; i < sizeof closes / sizeof closes[0]; i++)
        assert_int_equal(keys_map(&st, closes[i]), KEYS_HELP);
    assert_int_equal(keys_map(&st, 'q'), KEYS_QUIT);
    assert_int_equal(keys_map(&st, 3), KEYS_QUIT);
    assert_int_equal(keys_map(&st, KEYS_K_RESIZE), KEYS_RESIZE);
    assert_int_equal(keys_map(&st, 12), KEYS_REDRAW);
    assert_int_equal(keys_map(&st, KEYS_K_NONE), KEYS_NONE);
    /* 'p' while the help is up closes it and does not pause */
    assert_int_equal(keys_apply(&st, keys_map(&st, 'p'), 2), 1);
    assert_int_equal(st.show_help, 0);
    assert_int_equal(st.paused, 0);
    assert_int_equal(keys_map(&st, 'p'), KEYS_PAUSE);
}

static void test_toggles(void **state) {
    struct keys_state st;
    (void)state;
    keys_init(&st);
    assert_int_equal(keys_apply(&st, KEYS_PAUSE, 1), 1);
    assert_int_equal(st.paused, 1);
    assert_int_equal(keys_apply(&st, KEYS_PAUSE, 1), 1);
    assert_int_equal(st.paused, 0);
    assert_int_equal(keys_apply(&st, KEYS_LOG, 1), 1);
    assert_int_equal(st.show_log, 0);
    assert_int_equal(keys_apply(&st, KEYS_LOG, 1), 1);
    assert_int_equal(st.show_log, 1);
    assert_int_equal(keys_apply(&st, KEYS_BAND, 1), 1);
    assert_int_equal(st.show_band, 0);
    assert_int_equal(keys_apply(&st, KEYS_NONE, 1), 0);
    /* the shell carries these out, then redraws */
    assert_int_equal(keys_apply(&st, KEYS_ZOOM_IN, 1), 1);
    assert_int_equal(keys_apply(&st, KEYS_ZOOM_OUT, 1), 1);
    assert_int_equal(keys_apply(&st, KEYS_CLEAR, 1), 1);
    assert_int_equal(keys_apply(&st, KEYS_REDRAW, 1), 1);
    assert_int_equal(keys_apply(&st, KEYS_RESIZE, 1), 1);
    assert_int_equal(st.quit, 0);
    assert_int_equal(keys_apply(&st, KEYS_QUIT, 1), 0);
    assert_int_equal(st.quit, 1);
}

static void test_selection_wraps_and_clamps(void **state) {
    struct keys_state st;
    (void)state;
    keys_init(&st);
    assert_int_equal(keys_apply(&st, KEYS_NEXT, 0), 0); /* no series: nothing to select */
    assert_int_equal(st.selected, 0);
    assert_int_equal(keys_apply(&st, KEYS_NEXT, 3), 1);
    assert_int_equal(st.selected, 1);
    keys_apply(&st, KEYS_NEXT, 3);
    assert_int_equal(st.selected, 2);
    keys_apply(&st, KEYS_NEXT, 3);
    assert_int_equal(st.selected, 0);
    keys_apply(&st, KEYS_PREV, 3);
    assert_int_equal(st.selected, 2);
    /* series went away (evicted, or a paused picture with fewer): clamp first */
    keys_apply(&st, KEYS_PREV, 2);
    assert_int_equal(st.selected, 0);
    st.selected = 7;
    keys_apply(&st, KEYS_NEXT, 2);
    assert_int_equal(st.selected, 0);
}

static void test_names_and_help_text(void **state) {
    size_t n = 0;
    (void)state;
    assert_string_equal(keys_action_name(KEYS_QUIT), "quit");
    assert_string_equal(keys_action_name(KEYS_ZOOM_OUT), "zoom-out");
    assert_string_equal(keys_action_name(KEYS_RESIZE), "resize");
    assert_string_equal(keys_action_name(KEYS_ACTION_COUNT), "?");
    assert_string_equal(keys_help[0], "blip-visualizer keys");
    while (keys_help[n])
        n++;
    assert_int_equal(n, 12);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bindings),
        cmocka_unit_test(test_help_swallows_keys_but_quit),
        cmocka_unit_test(test_toggles),
        cmocka_unit_test(test_selection_wraps_and_clamps),
        cmocka_unit_test(test_names_and_help_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
