/* gst-rtcbot
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* fanout: fan-out benchmark for rtcbotsrc.
 *
 * Run from the top of the source tree after building:
 *
 *   GST_PLUGIN_PATH=build/gst/rtcbot build/bench/fanout
 *   build/bench/fanout --quick
 *
 * When GST_PLUGIN_PATH is unset the binary scans ../gst/rtcbot relative to
 * its own directory, so build/bench/fanout also works on its own.
 *
 * A. One application thread pushes N 64-byte messages to 4 lossless
 *    subscribers, once through rtcbotsrc (4 request pads, policy=block) and
 *    once through appsrc ! tee ! 4x (queue ! fakesink).  Both sides are fed
 *    through their action signal with a cached signal id, both use a fresh
 *    buffer per message and the same queue depth.  Every subscriber must
 *    receive exactly N buffers, in order, and on the rtcbotsrc side all
 *    subscribers must see the very GstMemory the application put for
 *    message #1000.  The two sides alternate, R repetitions, medians are
 *    reported.
 *
 * B. rtcbotsrc with one healthy and one stalled (blocking pad probe)
 *    subscriber, policy=fifo, max-buffers=64: RSS must stay flat while the
 *    stalled pad drops.
 *
 * Output is a markdown section on stdout.  Exit status: 0 all checks
 * passed, 1 a check failed, 2 setup error (e.g. rtcbotsrc not found),
 * 3 watchdog: no progress for --timeout seconds.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <gst/gst.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MARK_SEQ 1000
#define MAX_SUBSCRIBERS 64
#define MIB (1024.0 * 1024.0)
#define RSS_GROWTH_LIMIT_MIB 16.0
/* RSS samples taken during part B, for the memory-over-time plot */
#define RSS_SAMPLES 50

/* One per fakesink.  Written only from that sink's streaming thread, read
 * by the main thread after EOS went through the bus (which orders it). The
 * watchdog only peeks at it for diagnostics. */
typedef struct
{
  guint64 buffers;
  guint64 lists;
  guint64 next_offset;
  /* offsets that went back (duplicate / reordered) or skipped ahead */
  guint64 backwards;
  guint64 gaps;
  guint64 first_bad_expected;
  guint64 first_bad_got;
  guint64 mark;
  GstBuffer *mark_buffer;
  GstMemory *mark_memory;
  /* keep subscribers on separate cache lines */
  gchar padding[64];
} Subscriber;

typedef enum
{
  SIDE_RTCBOT,
  SIDE_TEE
} Side;

typedef struct
{
  Side side;
  guint rep;
  guint64 n;
  gdouble wall;
  gdouble cpu;
  gboolean ok;
  gboolean counts_ok;
  gboolean same_memory;
  gboolean same_buffer;
  guint64 received[MAX_SUBSCRIBERS];
  guint64 lists[MAX_SUBSCRIBERS];
  guint64 backwards[MAX_SUBSCRIBERS];
  guint64 gaps[MAX_SUBSCRIBERS];
  guint64 first_bad_expected[MAX_SUBSCRIBERS];
  guint64 first_bad_got[MAX_SUBSCRIBERS];
  gchar *error;
} RunResult;

static gint64 opt_messages = -1;
static gint opt_repeat = 3;
static gint64 opt_stall_messages = -1;
static gint opt_depth = 64;
static gint opt_subscribers = 4;
static gint opt_timeout = 60;
static gboolean opt_quick = FALSE;
static gint opt_size = 64;
static gchar *opt_part = NULL;
static gchar *opt_json = NULL;
static gchar *opt_side = NULL;

/* What --json writes: the rows of part A and the RSS series of part B. */
static GString *json_runs;
static GString *json_rss;
static gboolean json_stall_ok;

static GOptionEntry entries[] = {
  {"messages", 'n', 0, G_OPTION_ARG_INT64, &opt_messages,
      "Messages per run in part A (default 2000000)", "N"},
  {"repeat", 'r', 0, G_OPTION_ARG_INT, &opt_repeat,
      "Repetitions of each side in part A (default 3)", "R"},
  {"stall-messages", 0, 0, G_OPTION_ARG_INT64, &opt_stall_messages,
      "Puts in part B, the stalled-subscriber run (default 1000000)", "N"},
  {"depth", 0, 0, G_OPTION_ARG_INT, &opt_depth,
      "Queue depth per subscriber in part A (default 64)", "BUFFERS"},
  {"subscribers", 0, 0, G_OPTION_ARG_INT, &opt_subscribers,
      "Subscribers in part A (default 4)", "S"},
  {"timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout,
      "Abort when nothing moves for this many seconds (default 60)", "SEC"},
  {"size", 's', 0, G_OPTION_ARG_INT, &opt_size,
      "Bytes per message (default 64)", "BYTES"},
  {"part", 0, 0, G_OPTION_ARG_STRING, &opt_part,
      "Which part to run: a (throughput), b (stalled subscriber) or ab "
        "(default)", "PART"},
  {"json", 0, 0, G_OPTION_ARG_FILENAME, &opt_json,
        "Also write the results as JSON to FILE (for bench/report.py)",
      "FILE"},
  {"side", 0, 0, G_OPTION_ARG_STRING, &opt_side,
      "Part A on one side only, without warm-up: rtcbotsrc or tee (for "
        "bench/guard.py's instruction counts)", "SIDE"},
  {"quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick,
      "Smoke run: 200000 messages, 200000 stall puts", NULL},
  {NULL}
};

/* ---------------------------------------------------------------------- */
/* watchdog */

static struct
{
  GMutex lock;
  GCond cond;
  gboolean stop;
  gint heartbeat;
  const gchar *phase;
  volatile guint64 puts;
  Subscriber *subs;
  guint n_subs;
} wd;

static void
watchdog_set_phase (const gchar * phase, Subscriber * subs, guint n_subs)
{
  g_mutex_lock (&wd.lock);
  wd.phase = phase;
  wd.subs = subs;
  wd.n_subs = n_subs;
  wd.puts = 0;
  g_mutex_unlock (&wd.lock);
  g_atomic_int_inc (&wd.heartbeat);
}

static gpointer
watchdog_thread (gpointer user_data)
{
  gint last = g_atomic_int_get (&wd.heartbeat);
  gint idle = 0;

  g_mutex_lock (&wd.lock);
  while (!wd.stop) {
    gint64 until = g_get_monotonic_time () + G_TIME_SPAN_SECOND;
    gint now;

    g_cond_wait_until (&wd.cond, &wd.lock, until);
    if (wd.stop)
      break;
    now = g_atomic_int_get (&wd.heartbeat);
    if (now != last) {
      last = now;
      idle = 0;
      continue;
    }
    if (++idle < opt_timeout)
      continue;

    fprintf (stdout, "\n**WATCHDOG**: no progress for %d s in phase `%s`, "
        "puts so far %" G_GUINT64_FORMAT "\n\n", opt_timeout,
        wd.phase ? wd.phase : "?", (guint64) wd.puts);
    for (guint i = 0; i < wd.n_subs; i++) {
      fprintf (stdout, "- subscriber %u: %" G_GUINT64_FORMAT " buffers in %"
          G_GUINT64_FORMAT " lists, next offset %" G_GUINT64_FORMAT "\n", i,
          wd.subs[i].buffers, wd.subs[i].lists, wd.subs[i].next_offset);
    }
    fflush (stdout);
    _exit (3);
  }
  g_mutex_unlock (&wd.lock);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* GLib criticals / warnings are counted and reported, then passed on */

static gint log_count;
static gchar *log_first;

static void
log_handler (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer user_data)
{
  GLogLevelFlags bad =
      G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING;

  if (level & bad) {
    if (g_atomic_int_add (&log_count, 1) == 0)
      log_first = g_strdup_printf ("%s: %s", domain ? domain : "", message);
  }
  g_log_default_handler (domain, level, message, user_data);
}

/* ---------------------------------------------------------------------- */
/* helpers */

static gdouble
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static gdouble
rss_mib (void)
{
  unsigned long size = 0, resident = 0;
  gdouble page;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f == NULL)
    return -1.0;
  if (fscanf (f, "%lu %lu", &size, &resident) != 2)
    resident = 0;
  fclose (f);
  page = sysconf (_SC_PAGESIZE);
  return resident * page / MIB;
}

static gchar *
read_first_line (const gchar * path, const gchar * prefix)
{
  gchar *contents = NULL, *ret = NULL;
  gchar **lines;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("?");
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    if (prefix == NULL || g_str_has_prefix (lines[i], prefix)) {
      const gchar *s = lines[i];

      if (prefix != NULL && strchr (s, ':') != NULL)
        s = strchr (s, ':') + 1;
      ret = g_strstrip (g_strdup (s));
      break;
    }
  }
  g_strfreev (lines);
  g_free (contents);
  return ret ? ret : g_strdup ("?");
}

static guint
count_cpus (void)
{
  cpu_set_t set;

  if (sched_getaffinity (0, sizeof (set), &set) == 0)
    return CPU_COUNT (&set);
  return (guint) sysconf (_SC_NPROCESSORS_ONLN);
}

static gchar *
command_line (gint argc, gchar ** argv)
{
  GString *s = g_string_new (NULL);
  const gchar *plugin_path = g_getenv ("GST_PLUGIN_PATH");

  if (plugin_path != NULL) {
    gchar *q = g_shell_quote (plugin_path);

    g_string_append_printf (s, "GST_PLUGIN_PATH=%s ",
        strspn (plugin_path, "abcdefghijklmnopqrstuvwxyz"
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+") ==
        strlen (plugin_path) ? plugin_path : q);
    g_free (q);
  }
  for (gint i = 0; i < argc; i++) {
    const gchar *a = argv[i];

    if (i > 0)
      g_string_append_c (s, ' ');
    if (*a != '\0' && strspn (a, "abcdefghijklmnopqrstuvwxyz"
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+=") == strlen (a)) {
      g_string_append (s, a);
    } else {
      gchar *q = g_shell_quote (a);

      g_string_append (s, q);
      g_free (q);
    }
  }
  return g_string_free (s, FALSE);
}

/* Without GST_PLUGIN_PATH, look for the plugin next to us in the build
 * tree: <builddir>/bench/fanout -> <builddir>/gst/rtcbot */
static void
scan_build_tree (void)
{
  gchar *exe, *dir, *path, *real;

  if (g_getenv ("GST_PLUGIN_PATH") != NULL)
    return;
  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe == NULL)
    return;
  dir = g_path_get_dirname (exe);
  path = g_build_filename (dir, "..", "gst", "rtcbot", NULL);
  real = realpath (path, NULL);
  if (real != NULL && g_file_test (real, G_FILE_TEST_IS_DIR))
    gst_registry_scan_path (gst_registry_get (), real);
  free (real);
  g_free (path);
  g_free (dir);
  g_free (exe);
}

static int
compare_double (const void *a, const void *b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static gdouble
median (const gdouble * values, guint n)
{
  gdouble *v = g_memdup2 (values, n * sizeof (gdouble));
  gdouble m;

  qsort (v, n, sizeof (gdouble), compare_double);
  m = (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  g_free (v);
  return m;
}

static gboolean
check_put_signal (GstElement * element, const gchar * name, guint * id,
    GString * err)
{
  GSignalQuery q;

  *id = g_signal_lookup (name, G_OBJECT_TYPE (element));
  if (*id == 0) {
    g_string_append_printf (err, "%s has no signal \"%s\"",
        GST_OBJECT_NAME (element), name);
    return FALSE;
  }
  g_signal_query (*id, &q);
  if (q.n_params != 1 ||
      (q.param_types[0] & ~G_SIGNAL_TYPE_STATIC_SCOPE) != GST_TYPE_BUFFER ||
      q.return_type != GST_TYPE_FLOW_RETURN) {
    g_string_append_printf (err, "signal \"%s\" is not "
        "GstFlowReturn (*) (GstBuffer *)", name);
    return FALSE;
  }
  return TRUE;
}

/* Emit a parameterless action signal whatever its return type is. */
static void
emit_simple_signal (GstElement * element, const gchar * name)
{
  GValue args[1] = { G_VALUE_INIT };
  GValue ret = G_VALUE_INIT;
  GSignalQuery q;
  guint id = g_signal_lookup (name, G_OBJECT_TYPE (element));

  g_return_if_fail (id != 0);
  g_signal_query (id, &q);
  g_value_init (&args[0], G_OBJECT_TYPE (element));
  g_value_set_object (&args[0], element);
  if (q.return_type != G_TYPE_NONE) {
    g_value_init (&ret, q.return_type & ~G_SIGNAL_TYPE_STATIC_SCOPE);
    g_signal_emitv (args, id, 0, &ret);
    g_value_unset (&ret);
  } else {
    g_signal_emitv (args, id, 0, NULL);
  }
  g_value_unset (&args[0]);
}

static gboolean
set_pad_property (GstPad * pad, const gchar * name, const gchar * value,
    GString * err)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pad), name) == NULL) {
    g_string_append_printf (err, "pad %s has no property \"%s\"",
        GST_PAD_NAME (pad), name);
    return FALSE;
  }
  gst_util_set_object_arg (G_OBJECT (pad), name, value);
  return TRUE;
}

/* Reads an integer property of any unsigned/signed integer type; returns
 * FALSE if the pad does not have it. */
static gboolean
get_pad_uint (GstPad * pad, const gchar * name, guint64 * out)
{
  GParamSpec *pspec;
  GValue v = G_VALUE_INIT, v64 = G_VALUE_INIT;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (pad), name);
  if (pspec == NULL)
    return FALSE;
  g_value_init (&v, pspec->value_type);
  g_object_get_property (G_OBJECT (pad), name, &v);
  g_value_init (&v64, G_TYPE_UINT64);
  if (!g_value_transform (&v, &v64)) {
    g_value_unset (&v);
    return FALSE;
  }
  *out = g_value_get_uint64 (&v64);
  g_value_unset (&v);
  g_value_unset (&v64);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* subscribers */

static inline void
subscriber_see (Subscriber * sub, GstBuffer * buf)
{
  guint64 off = GST_BUFFER_OFFSET (buf);

  if (G_UNLIKELY (off != sub->next_offset)) {
    if (sub->backwards + sub->gaps == 0) {
      sub->first_bad_expected = sub->next_offset;
      sub->first_bad_got = off;
    }
    if (off < sub->next_offset)
      sub->backwards++;
    else
      sub->gaps++;
  }
  sub->next_offset = off + 1;
  if (G_UNLIKELY (off == sub->mark && sub->mark_buffer == NULL)) {
    /* hold refs so that the addresses cannot be recycled before compare */
    sub->mark_buffer = gst_buffer_ref (buf);
    if (gst_buffer_n_memory (buf) > 0)
      sub->mark_memory = gst_memory_ref (gst_buffer_peek_memory (buf, 0));
  }
}

static GstPadProbeReturn
count_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Subscriber *sub = user_data;
  guint64 before = sub->buffers;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    subscriber_see (sub, GST_PAD_PROBE_INFO_BUFFER (info));
    sub->buffers++;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    guint len = gst_buffer_list_length (list);

    for (guint i = 0; i < len; i++)
      subscriber_see (sub, gst_buffer_list_get (list, i));
    sub->buffers += len;
    sub->lists++;
  }
  if ((before >> 12) != (sub->buffers >> 12))
    g_atomic_int_inc (&wd.heartbeat);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
stall_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  /* keep blocking until the probe is removed */
  return GST_PAD_PROBE_OK;
}

static void
subscriber_reset (Subscriber * sub, guint64 mark)
{
  gst_clear_buffer (&sub->mark_buffer);
  if (sub->mark_memory)
    gst_memory_unref (sub->mark_memory);
  memset (sub, 0, sizeof (*sub));
  sub->mark = mark;
}

static GstElement *
add_fakesink (GstElement * pipeline, Subscriber * sub)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *pad;

  g_object_set (sink, "sync", FALSE, "async", FALSE,
      "enable-last-sample", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad,
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
      count_probe, sub, NULL);
  gst_object_unref (pad);
  return sink;
}

static gboolean
wait_eos (GstElement * pipeline, GstClockTime timeout, GString * err)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean ok = FALSE;

  msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg == NULL) {
    g_string_append (err, "no EOS on the bus");
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *e = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &e, &dbg);
    g_string_append_printf (err, "error from %s: %s (%s)",
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), e->message, dbg ? dbg : "");
    g_error_free (e);
    g_free (dbg);
  } else {
    ok = TRUE;
  }
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  return ok;
}

static gboolean
start_pipeline (GstElement * pipeline, GString * err)
{
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE ||
      gst_element_get_state (pipeline, NULL, NULL,
          10 * GST_SECOND) == GST_STATE_CHANGE_FAILURE) {
    GString *tmp = g_string_new (NULL);

    if (!wait_eos (pipeline, 0, tmp))
      g_string_append_printf (err, "could not go to PLAYING: %s", tmp->str);
    g_string_free (tmp, TRUE);
    return FALSE;
  }
  return TRUE;
}

/* rtcbotsrc drops what is put before it is PLAYING; its read-only "ready"
 * property says when puts reach the subscribers. */
static gboolean
wait_ready (GstElement * src, GString * err)
{
  gboolean ready = FALSE;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (src), "ready") == NULL)
    return TRUE;
  for (guint i = 0; i < 500; i++) {
    g_object_get (src, "ready", &ready, NULL);
    if (ready)
      return TRUE;
    g_usleep (10 * 1000);
  }
  g_string_append (err, "rtcbotsrc not ready 5 s after PLAYING");
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* part A */

static GstCaps *
bench_caps (void)
{
  return gst_caps_new_empty_simple ("application/x-rtcbot-bench");
}

static GstElement *
build_rtcbot (Subscriber * subs, guint n_subs, const gchar * policy,
    guint depth, GstPad ** pads, GstElement ** src, GString * err)
{
  GstElement *pipeline = gst_pipeline_new ("rtcbot-fanout");
  GstCaps *caps = bench_caps ();
  gchar depth_str[32];

  *src = gst_element_factory_make ("rtcbotsrc", NULL);
  if (*src == NULL) {
    g_string_append (err, "no rtcbotsrc element");
    gst_object_unref (pipeline);
    gst_caps_unref (caps);
    return NULL;
  }
  g_object_set (*src, "caps", caps, "is-live", TRUE, "do-timestamp", FALSE,
      NULL);
  gst_caps_unref (caps);
  gst_bin_add (GST_BIN (pipeline), *src);

  g_snprintf (depth_str, sizeof (depth_str), "%u", depth);
  for (guint i = 0; i < n_subs; i++) {
    GstElement *sink = add_fakesink (pipeline, &subs[i]);
    GstPad *sinkpad;

    pads[i] = gst_element_request_pad_simple (*src, "src_%u");
    if (pads[i] == NULL) {
      g_string_append_printf (err, "could not request src pad #%u", i);
      goto fail;
    }
    if (!set_pad_property (pads[i], "policy", policy, err) ||
        !set_pad_property (pads[i], "max-buffers", depth_str, err))
      goto fail;
    sinkpad = gst_element_get_static_pad (sink, "sink");
    if (GST_PAD_LINK_FAILED (gst_pad_link (pads[i], sinkpad))) {
      g_string_append_printf (err, "could not link %s", GST_PAD_NAME (pads[i]));
      gst_object_unref (sinkpad);
      goto fail;
    }
    gst_object_unref (sinkpad);
  }
  return pipeline;

fail:
  for (guint i = 0; i < n_subs; i++) {
    if (pads[i]) {
      gst_element_release_request_pad (*src, pads[i]);
      gst_clear_object (&pads[i]);
    }
  }
  gst_object_unref (pipeline);
  return NULL;
}

static void
teardown_rtcbot (GstElement * pipeline, GstElement * src, GstPad ** pads,
    guint n_pads)
{
  gst_element_set_state (pipeline, GST_STATE_NULL);
  for (guint i = 0; i < n_pads; i++) {
    if (pads[i]) {
      gst_element_release_request_pad (src, pads[i]);
      gst_clear_object (&pads[i]);
    }
  }
  gst_object_unref (pipeline);
}

static GstElement *
build_tee (Subscriber * subs, guint n_subs, guint depth, GstElement ** src,
    GString * err)
{
  GstElement *pipeline = gst_pipeline_new ("tee-fanout");
  GstElement *tee = gst_element_factory_make ("tee", NULL);
  GstCaps *caps = bench_caps ();

  *src = gst_element_factory_make ("appsrc", NULL);
  if (*src == NULL || tee == NULL) {
    g_string_append (err, "no appsrc or tee element");
    gst_object_unref (pipeline);
    gst_caps_unref (caps);
    return NULL;
  }
  g_object_set (*src, "caps", caps, "is-live", TRUE, "do-timestamp", FALSE,
      "block", TRUE, "emit-signals", FALSE, "max-bytes", (guint64) 0,
      "max-buffers", (guint64) depth, NULL);
  gst_caps_unref (caps);
  gst_bin_add_many (GST_BIN (pipeline), *src, tee, NULL);
  gst_element_link (*src, tee);

  for (guint i = 0; i < n_subs; i++) {
    GstElement *queue = gst_element_factory_make ("queue", NULL);
    GstElement *sink = add_fakesink (pipeline, &subs[i]);

    g_object_set (queue, "max-size-buffers", depth, "max-size-bytes", 0,
        "max-size-time", (guint64) 0, NULL);
    gst_bin_add (GST_BIN (pipeline), queue);
    if (!gst_element_link_many (tee, queue, sink, NULL)) {
      g_string_append (err, "could not link tee ! queue ! fakesink");
      gst_object_unref (pipeline);
      return NULL;
    }
  }
  return pipeline;
}

static void
run_side (Side side, guint64 n, guint n_subs, guint depth, RunResult * res)
{
  Subscriber *subs = g_new0 (Subscriber, n_subs);
  GstPad *pads[MAX_SUBSCRIBERS] = { NULL, };
  GString *err = g_string_new (NULL);
  GstElement *pipeline, *src = NULL;
  GstMemory *put_memory = NULL;
  guint64 mark = n > MARK_SEQ ? MARK_SEQ : n / 2;
  guint64 i;
  guint sig;
  gint64 t0, t1;
  gdouble c0, c1;
  guint8 *payload = g_malloc (opt_size);
  GstFlowReturn fret = GST_FLOW_OK;

  memset (res, 0, sizeof (*res));
  res->side = side;
  res->n = n;
  for (gint s = 0; s < opt_size; s++)
    payload[s] = (guint8) s;
  for (guint s = 0; s < n_subs; s++)
    subscriber_reset (&subs[s], mark);

  if (side == SIDE_RTCBOT)
    pipeline = build_rtcbot (subs, n_subs, "block", depth, pads, &src, err);
  else
    pipeline = build_tee (subs, n_subs, depth, &src, err);
  if (pipeline == NULL)
    goto done;

  if (!check_put_signal (src, side == SIDE_RTCBOT ? "put" : "push-buffer",
          &sig, err) || !start_pipeline (pipeline, err) ||
      !wait_ready (src, err))
    goto teardown;

  watchdog_set_phase (side == SIDE_RTCBOT ? "A: rtcbotsrc" : "A: appsrc ! tee",
      subs, n_subs);

  c0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n; i++) {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, opt_size, NULL);

    gst_buffer_fill (buf, 0, payload, opt_size);
    GST_BUFFER_OFFSET (buf) = i;
    if (G_UNLIKELY (i == mark))
      put_memory = gst_memory_ref (gst_buffer_peek_memory (buf, 0));
    g_signal_emit (src, sig, 0, buf, &fret);
    gst_buffer_unref (buf);
    if (G_UNLIKELY (fret != GST_FLOW_OK)) {
      g_string_append_printf (err, "put #%" G_GUINT64_FORMAT " returned %s",
          i, gst_flow_get_name (fret));
      break;
    }
    wd.puts = i + 1;
    if ((i & 4095) == 4095)
      g_atomic_int_inc (&wd.heartbeat);
  }
  emit_simple_signal (src, side == SIDE_RTCBOT ? "close" : "end-of-stream");
  if (!wait_eos (pipeline, GST_CLOCK_TIME_NONE, err))
    goto teardown;
  t1 = g_get_monotonic_time ();
  c1 = cpu_seconds ();

  res->wall = (t1 - t0) / 1e6;
  res->cpu = c1 - c0;
  res->counts_ok = TRUE;
  res->same_memory = put_memory != NULL;
  res->same_buffer = TRUE;
  for (guint s = 0; s < n_subs; s++) {
    res->received[s] = subs[s].buffers;
    res->lists[s] = subs[s].lists;
    res->backwards[s] = subs[s].backwards;
    res->gaps[s] = subs[s].gaps;
    res->first_bad_expected[s] = subs[s].first_bad_expected;
    res->first_bad_got[s] = subs[s].first_bad_got;
    if (subs[s].buffers != n || subs[s].backwards + subs[s].gaps != 0)
      res->counts_ok = FALSE;
    if (subs[s].mark_memory == NULL || subs[s].mark_memory != put_memory)
      res->same_memory = FALSE;
    if (subs[s].mark_buffer == NULL ||
        subs[s].mark_buffer != subs[0].mark_buffer)
      res->same_buffer = FALSE;
  }
  res->ok = res->counts_ok && res->same_memory;

teardown:
  if (side == SIDE_RTCBOT)
    teardown_rtcbot (pipeline, src, pads, n_subs);
  else {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
  }
done:
  watchdog_set_phase ("idle", NULL, 0);
  g_free (payload);
  if (put_memory)
    gst_memory_unref (put_memory);
  for (guint s = 0; s < n_subs; s++)
    subscriber_reset (&subs[s], 0);
  g_free (subs);
  if (err->len > 0) {
    res->ok = FALSE;
    res->error = g_string_free (err, FALSE);
  } else {
    g_string_free (err, TRUE);
  }
}

static const gchar *
side_name (Side side)
{
  return side == SIDE_RTCBOT ? "rtcbotsrc" : "appsrc ! tee";
}

static gboolean
part_a (guint64 n, guint repeat, guint n_subs, guint depth,
    gboolean have_rtcbot)
{
  RunResult *runs = g_new0 (RunResult, 2 * repeat);
  gdouble rate[2][64], cpu[2][64];
  guint nrate[2] = { 0, 0 };
  gdouble med_rate[2], med_cpu[2];
  gboolean ok = TRUE;
  guint nruns = 0;
  RunResult warm;

  printf ("### A. app → %u subscribers, lossless, same buffers\n\n", n_subs);
  printf ("- rtcbotsrc: %u × `src_%%u` (policy=block, max-buffers=%u) → "
      "`fakesink sync=false async=false`\n", n_subs, depth);
  printf ("- tee: `appsrc block=true max-buffers=%u max-bytes=0 ! tee ! "
      "%u × (queue max-size-buffers=%u max-size-bytes=0 max-size-time=0 ! "
      "fakesink sync=false async=false)`\n", depth, n_subs, depth);
  printf ("- %" G_GUINT64_FORMAT " messages per run, fresh %d-byte "
      "`gst_buffer_new_allocate` buffer each, fed via cached signal id "
      "(`put` / `push-buffer`), clock stopped at EOS on the bus; "
      "counts by pad probe on each fakesink sink pad; "
      "CPU = getrusage(RUSAGE_SELF), all threads\n", n, opt_size);
  printf ("- one unmeasured warm-up run per side, then %u alternating "
      "repetitions\n\n", repeat);
  fflush (stdout);

  /* warm-up */
  if (opt_side) {
  } else if (have_rtcbot) {
    run_side (SIDE_RTCBOT, MIN (n, 20000), n_subs, depth, &warm);
    if (!warm.ok)
      fprintf (stderr, "warm-up rtcbotsrc: %s\n",
          warm.error ? warm.error : "check failed");
    g_free (warm.error);
  }
  if (!opt_side) {
    run_side (SIDE_TEE, MIN (n, 20000), n_subs, depth, &warm);
    g_free (warm.error);
  }

  printf ("| run | side | msgs/s | CPU s / 1M msgs | wall s | received per "
      "subscriber | buffer lists per subscriber | same GstMemory "
      "#%d | same GstBuffer | ok |\n", MARK_SEQ);
  printf ("|---:|---|---:|---:|---:|---|---|---|---|---|\n");
  fflush (stdout);

  for (guint r = 0; r < repeat; r++) {
    for (guint k = 0; k < 2; k++) {
      /* alternate which side goes first */
      Side side = ((r + k) % 2 == 0) ? SIDE_RTCBOT : SIDE_TEE;
      RunResult *res;
      GString *recv, *pushes;

      if (side == SIDE_RTCBOT && !have_rtcbot)
        continue;
      if (opt_side && !g_str_equal (opt_side, side == SIDE_RTCBOT ?
              "rtcbotsrc" : "tee"))
        continue;
      res = &runs[nruns++];
      run_side (side, n, n_subs, depth, res);
      res->rep = r + 1;
      recv = g_string_new (NULL);
      pushes = g_string_new (NULL);
      for (guint s = 0; s < n_subs; s++) {
        g_string_append_printf (recv, "%s%" G_GUINT64_FORMAT, s ? " / " : "",
            res->received[s]);
        if (res->backwards[s] + res->gaps[s] > 0)
          g_string_append_printf (recv, " (%" G_GUINT64_FORMAT " backwards, %"
              G_GUINT64_FORMAT " gaps; first: offset %" G_GUINT64_FORMAT
              " when expecting %" G_GUINT64_FORMAT ")", res->backwards[s],
              res->gaps[s], res->first_bad_got[s], res->first_bad_expected[s]);
        g_string_append_printf (pushes, "%s%" G_GUINT64_FORMAT,
            s ? " / " : "", res->lists[s]);
      }

      if (res->wall > 0) {
        rate[side][nrate[side]] = n / res->wall;
        cpu[side][nrate[side]] = res->cpu / (n / 1e6);
        nrate[side]++;
        printf ("| %u | %s | %.0f | %.3f | %.3f | %s | %s | %s | %s | %s |\n",
            r + 1, side_name (side), n / res->wall, res->cpu / (n / 1e6),
            res->wall, recv->str, pushes->str,
            res->same_memory ? "yes" : "**NO**",
            res->same_buffer ? "yes" : "no", res->ok ? "ok" : "**FAIL**");
      } else {
        printf ("| %u | %s | n/a | n/a | n/a | %s | %s | n/a | n/a | "
            "**FAIL** |\n", r + 1, side_name (side), recv->str, pushes->str);
      }
      if (!res->ok)
        ok = FALSE;
      g_string_append_printf (json_runs, "%s{\"side\": \"%s\", \"round\": "
          "%u, \"subscribers\": %u, \"size\": %d, \"messages\": %"
          G_GUINT64_FORMAT ", \"msgs_per_s\": %.1f, \"cpu_s_per_msg\": %.4g, "
          "\"ok\": %s}", json_runs->len ? ", " : "", side_name (side), r + 1,
          n_subs, opt_size, n, res->wall > 0 ? n / res->wall : 0.0,
          res->cpu / n, res->ok ? "true" : "false");
      fflush (stdout);
      g_string_free (recv, TRUE);
      g_string_free (pushes, TRUE);
    }
  }
  printf ("\n");
  for (guint i = 0; i < nruns; i++) {
    if (runs[i].error)
      printf ("- run %u %s: **error**: %s\n", runs[i].rep,
          side_name (runs[i].side), runs[i].error);
    else if (!runs[i].ok)
      printf ("- run %u %s: **check failed**:%s%s\n", runs[i].rep,
          side_name (runs[i].side),
          runs[i].counts_ok ? "" : " not every subscriber received exactly "
          "the messages put, in order;",
          runs[i].same_memory ? "" : " subscribers did not all see the "
          "GstMemory that was put");
  }

  printf ("\n| side | msgs/s (median) | CPU s / 1M msgs (median) |\n");
  printf ("|---|---:|---:|\n");
  for (guint s = 0; s < 2; s++) {
    if (nrate[s] == 0) {
      printf ("| %s | n/a | n/a |\n", side_name (s));
      continue;
    }
    med_rate[s] = median (rate[s], nrate[s]);
    med_cpu[s] = median (cpu[s], nrate[s]);
    printf ("| %s | %.0f | %.3f |\n", side_name (s), med_rate[s], med_cpu[s]);
  }
  if (nrate[SIDE_RTCBOT] > 0 && nrate[SIDE_TEE] > 0)
    printf ("| **ratio rtcbotsrc / tee** | **%.2f×** | **%.2f×** |\n",
        med_rate[SIDE_RTCBOT] / med_rate[SIDE_TEE],
        med_cpu[SIDE_RTCBOT] / med_cpu[SIDE_TEE]);
  printf ("\nmsgs/s ratio > 1 means rtcbotsrc is faster; CPU ratio < 1 "
      "means rtcbotsrc is cheaper per message.\n\n");
  fflush (stdout);

  for (guint i = 0; i < nruns; i++)
    g_free (runs[i].error);
  g_free (runs);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* part B */

static gboolean
part_b (guint64 n)
{
  Subscriber subs[2];
  GstPad *pads[MAX_SUBSCRIBERS] = { NULL, };
  GString *err = g_string_new (NULL);
  GstElement *pipeline, *src = NULL;
  GstPad *stalled_pad = NULL;
  gulong probe_id = 0;
  guint64 points[4] = { n / 100, n / 10, n / 2, n };
  gdouble rss[4] = { -1, -1, -1, -1 };
  gdouble rss_start, rss_end = -1;
  guint64 dropped[2] = { 0, 0 }, level[2] = { 0, 0 };
  gboolean have_dropped[2] = { FALSE, FALSE };
  gboolean have_level[2] = { FALSE, FALSE };
  guint64 recv_before[2] = { 0, 0 };
  guint8 *payload = g_malloc (opt_size);
  guint sig;
  guint64 i, puts = 0;
  guint p = 0;
  gint64 t0, t1 = 0;
  gboolean ok = TRUE, eos_ok = FALSE;
  GstFlowReturn fret = GST_FLOW_OK;

  memset (payload, 0xab, opt_size);
  memset (subs, 0, sizeof (subs));
  subscriber_reset (&subs[0], G_MAXUINT64);
  subscriber_reset (&subs[1], G_MAXUINT64);

  printf ("### B. memory with one stalled `fifo` subscriber\n\n");
  printf ("- rtcbotsrc, 2 × `src_%%u` (policy=fifo, max-buffers=64): one "
      "normal `fakesink`, one whose sink pad has a blocking probe "
      "(never drains); %" G_GUINT64_FORMAT " puts of fresh %d-byte "
      "buffers, RSS from /proc/self/statm\n\n", n, opt_size);

  pipeline = build_rtcbot (subs, 2, "fifo", 64, pads, &src, err);
  if (pipeline == NULL)
    goto done;
  stalled_pad = gst_pad_get_peer (pads[1]);
  probe_id = gst_pad_add_probe (stalled_pad, GST_PAD_PROBE_TYPE_BLOCK |
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
      stall_probe, NULL, NULL);

  if (!check_put_signal (src, "put", &sig, err) ||
      !start_pipeline (pipeline, err) || !wait_ready (src, err))
    goto teardown;

  watchdog_set_phase ("B: stalled fifo subscriber", subs, 2);
  rss_start = rss_mib ();
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n; i++) {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, opt_size, NULL);

    gst_buffer_fill (buf, 0, payload, opt_size);
    GST_BUFFER_OFFSET (buf) = i;
    g_signal_emit (src, sig, 0, buf, &fret);
    gst_buffer_unref (buf);
    if (G_UNLIKELY (fret != GST_FLOW_OK)) {
      g_string_append_printf (err, "put #%" G_GUINT64_FORMAT " returned %s",
          i, gst_flow_get_name (fret));
      break;
    }
    puts = i + 1;
    wd.puts = puts;
    if ((i & 4095) == 4095)
      g_atomic_int_inc (&wd.heartbeat);
    while (p < 4 && puts == points[p])
      rss[p++] = rss_mib ();
    if (puts % MAX (n / RSS_SAMPLES, 1) == 0)
      g_string_append_printf (json_rss, "%s{\"t_s\": %.4f, \"puts\": %"
          G_GUINT64_FORMAT ", \"rss_mib\": %.2f}", json_rss->len ? ", " : "",
          (g_get_monotonic_time () - t0) / 1e6, puts, rss_mib ());
  }
  t1 = g_get_monotonic_time ();

  /* settle a little so the healthy subscriber has drained */
  g_usleep (100 * 1000);
  for (guint s = 0; s < 2; s++) {
    have_dropped[s] = get_pad_uint (pads[s], "dropped", &dropped[s]);
    have_level[s] = get_pad_uint (pads[s], "level", &level[s]);
    recv_before[s] = subs[s].buffers;
  }

  /* release the stalled subscriber and finish cleanly */
  emit_simple_signal (src, "close");
  gst_pad_remove_probe (stalled_pad, probe_id);
  probe_id = 0;
  eos_ok = wait_eos (pipeline, 30 * GST_SECOND, err);

teardown:
  if (probe_id)
    gst_pad_remove_probe (stalled_pad, probe_id);
  teardown_rtcbot (pipeline, src, pads, 2);
  gst_clear_object (&stalled_pad);
  rss_end = rss_mib ();
done:
  watchdog_set_phase ("idle", NULL, 0);

  if (err->len > 0) {
    printf ("- **error**: %s\n", err->str);
    ok = FALSE;
  }
  if (t1 > 0) {
    printf ("| puts | RSS MiB |\n|---:|---:|\n");
    printf ("| 0 | %.1f |\n", rss_start);
    for (guint k = 0; k < 4; k++) {
      if (rss[k] >= 0)
        printf ("| %" G_GUINT64_FORMAT " | %.1f |\n", points[k], rss[k]);
    }
    printf ("| after teardown | %.1f |\n\n", rss_end);
    printf ("- %" G_GUINT64_FORMAT " puts in %.3f s (%.0f puts/s)\n", puts,
        (t1 - t0) / 1e6, puts / ((t1 - t0) / 1e6));
    if (rss[1] >= 0 && rss[3] >= 0) {
      gdouble growth = rss[3] - rss[1];

      printf ("- RSS growth %" G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT
          " puts: **%.2f MiB** (limit %.0f MiB): %s\n", points[1], points[3],
          growth, RSS_GROWTH_LIMIT_MIB,
          growth > RSS_GROWTH_LIMIT_MIB ? "**FAIL**" : "ok");
      if (growth > RSS_GROWTH_LIMIT_MIB)
        ok = FALSE;
    } else {
      ok = FALSE;
    }
    printf ("\n| pad | subscriber | received at end of puts | received "
        "after release + EOS | offsets going backwards | dropped | "
        "level |\n");
    printf ("|---|---|---:|---:|---:|---:|---:|\n");
    for (guint s = 0; s < 2; s++) {
      gchar d[32], l[32];

      if (have_dropped[s])
        g_snprintf (d, sizeof (d), "%" G_GUINT64_FORMAT, dropped[s]);
      else
        g_strlcpy (d, "n/a", sizeof (d));
      if (have_level[s])
        g_snprintf (l, sizeof (l), "%" G_GUINT64_FORMAT, level[s]);
      else
        g_strlcpy (l, "n/a", sizeof (l));
      printf ("| src_%u | %s | %" G_GUINT64_FORMAT " | %" G_GUINT64_FORMAT
          " | %" G_GUINT64_FORMAT " | %s | %s |\n", s,
          s == 0 ? "normal" : "stalled", recv_before[s], subs[s].buffers,
          subs[s].backwards, d, l);
      if (subs[s].backwards > 0)
        printf ("|  | first backwards step: offset %" G_GUINT64_FORMAT
            " after %" G_GUINT64_FORMAT " |  |  |  |  |  |\n",
            subs[s].first_bad_got, subs[s].first_bad_expected - 1);
    }
    printf ("\n");
    if (have_dropped[1]) {
      printf ("- stalled pad dropped %" G_GUINT64_FORMAT " = puts - %"
          G_GUINT64_FORMAT " (expected ≈ puts - 64 - a few)\n",
          dropped[1], puts - dropped[1]);
      if (eos_ok)
        printf ("- accounting stalled pad: received %" G_GUINT64_FORMAT
            " + dropped %" G_GUINT64_FORMAT " = %" G_GUINT64_FORMAT
            " vs %" G_GUINT64_FORMAT " puts: %s\n", subs[1].buffers,
            dropped[1], subs[1].buffers + dropped[1], puts,
            subs[1].buffers + dropped[1] == puts ? "ok" : "**mismatch**");
    }
    printf ("- EOS after release: %s\n", eos_ok ? "ok" : "**no**");
    if (!eos_ok)
      ok = FALSE;
  }
  printf ("\n");
  fflush (stdout);

  subscriber_reset (&subs[0], 0);
  subscriber_reset (&subs[1], 0);
  g_string_free (err, TRUE);
  json_stall_ok = ok;
  return ok;
}

/* The machine-readable twin of the markdown, for bench/report.py. */
static gboolean
write_json (const gchar * path, const gchar * cmd, const gchar * load_before,
    const gchar * load_after, gboolean ran_b)
{
  GError *error = NULL;
  gchar *stall = ran_b ? g_strdup_printf ("{\"ok\": %s, \"size\": %d, "
      "\"rss\": [%s]}", json_stall_ok ? "true" : "false", opt_size,
      json_rss->str) : g_strdup ("null");
  gchar *text = g_strdup_printf ("{\"benchmark\": \"fanout\", "
      "\"command\": \"%s\", \"nproc\": %u, \"loadavg_before\": \"%s\", "
      "\"loadavg_after\": \"%s\", \"rounds\": %d, \"rows\": [%s], "
      "\"stall\": %s}\n", cmd, count_cpus (), load_before, load_after,
      opt_repeat, json_runs->str, stall);
  gboolean ok = g_file_set_contents (path, text, -1, &error);

  if (!ok) {
    g_printerr ("cannot write %s: %s\n", path, error->message);
    g_clear_error (&error);
  }
  g_free (stall);
  g_free (text);
  return ok;
}

/* ---------------------------------------------------------------------- */

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  GstElementFactory *factory;
  GThread *watchdog;
  gchar *cmd, *loadavg, *load_after, *model, *plugin_file = NULL;
  gboolean ok = TRUE, have_rtcbot, run_a, run_b;
  guint64 n, stall_n;

  cmd = command_line (argc, argv);
  g_log_set_default_handler (log_handler, NULL);

  ctx = g_option_context_new ("- rtcbotsrc fan-out benchmark");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);

  n = opt_messages > 0 ? (guint64) opt_messages : opt_quick ? 200000 : 2000000;
  stall_n = opt_stall_messages > 0 ? (guint64) opt_stall_messages :
      opt_quick ? 200000 : 1000000;
  if (opt_repeat < 1 || opt_repeat > 64 || opt_subscribers < 1 ||
      opt_subscribers > MAX_SUBSCRIBERS || opt_depth < 1 || opt_timeout < 1) {
    g_printerr ("invalid --repeat/--subscribers/--depth/--timeout\n");
    return 2;
  }
  if (opt_size < 1 || (opt_part && !g_str_equal (opt_part, "a")
          && !g_str_equal (opt_part, "b") && !g_str_equal (opt_part, "ab"))) {
    g_printerr ("invalid --size or --part (a, b or ab)\n");
    return 2;
  }
  if (opt_side && !g_str_equal (opt_side, "rtcbotsrc")
      && !g_str_equal (opt_side, "tee")) {
    g_printerr ("invalid --side (rtcbotsrc or tee)\n");
    return 2;
  }
  run_a = opt_part == NULL || strchr (opt_part, 'a') != NULL;
  run_b = opt_part == NULL || strchr (opt_part, 'b') != NULL;
  json_runs = g_string_new (NULL);
  json_rss = g_string_new (NULL);

  gst_init (&argc, &argv);
  scan_build_tree ();

  factory = gst_element_factory_find ("rtcbotsrc");
  have_rtcbot = factory != NULL;
  if (factory) {
    GstPlugin *plugin =
        gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (factory));

    if (plugin) {
      plugin_file = g_strdup (gst_plugin_get_filename (plugin));
      gst_object_unref (plugin);
    }
    gst_object_unref (factory);
  }

  g_mutex_init (&wd.lock);
  g_cond_init (&wd.cond);
  watchdog = g_thread_new ("watchdog", watchdog_thread, NULL);

  loadavg = read_first_line ("/proc/loadavg", NULL);
  model = read_first_line ("/proc/cpuinfo", "model name");
  printf ("## fanout benchmark\n\n");
  printf ("- nproc: %u (%s)\n", count_cpus (), model);
  printf ("- loadavg: %s\n", loadavg);
  printf ("- command: `%s`\n", cmd);
  printf ("- %s; rtcbotsrc: %s\n", gst_version_string (),
      have_rtcbot ? (plugin_file ? plugin_file : "found") : "**not found**");
  printf ("\n");
  fflush (stdout);

  if (run_a && !part_a (n, opt_repeat, opt_subscribers, opt_depth, have_rtcbot))
    ok = FALSE;
  if (!run_b) {
  } else if (have_rtcbot) {
    if (!part_b (stall_n))
      ok = FALSE;
  } else {
    printf ("### B. memory with one stalled `fifo` subscriber\n\n"
        "- skipped: rtcbotsrc not found (set GST_PLUGIN_PATH)\n\n");
  }

  load_after = read_first_line ("/proc/loadavg", NULL);
  printf ("- loadavg at the end: %s\n\n", load_after);
  if (opt_json && !write_json (opt_json, cmd, loadavg, load_after,
          run_b && have_rtcbot))
    ok = FALSE;
  if (g_atomic_int_get (&log_count) > 0) {
    printf ("- GLib/GStreamer warnings or criticals on stderr: %d, first: "
        "`%s`\n\n", g_atomic_int_get (&log_count), log_first);
  }
  printf ("**result: %s**\n", !have_rtcbot ? "INCOMPLETE (no rtcbotsrc)" :
      ok ? "all checks passed" : "FAILED");
  fflush (stdout);

  g_mutex_lock (&wd.lock);
  wd.stop = TRUE;
  g_cond_signal (&wd.cond);
  g_mutex_unlock (&wd.lock);
  g_thread_join (watchdog);

  g_free (cmd);
  g_free (loadavg);
  g_free (load_after);
  g_string_free (json_runs, TRUE);
  g_string_free (json_rss, TRUE);
  g_free (opt_part);
  g_free (opt_json);
  g_free (opt_side);
  g_free (model);
  g_free (plugin_file);
  g_free (log_first);
  gst_deinit ();
  return !have_rtcbot ? 2 : ok ? 0 : 1;
}
