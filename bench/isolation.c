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

/* isolation: raw video through rtcbotsrc `source=` with isolation=none
 * (a private pipeline in this process) and isolation=process (a child
 * running gst-rtcbot-isolate, frames in memfds), side by side:
 *
 *   rtcbotsrc source="videotestsrc is-live=false pattern=P !
 *       video/x-raw,format=I420,width=W,height=H" isolation=SIDE
 *       src_0::policy=block ! fakesink sync=false
 *
 * Both sides run as fast as they can (the subscription is lossless, so the
 * producer is held back by nothing but the work itself); each round counts
 * the frames that reach fakesink for --seconds after a warm-up, and the
 * CPU of this process (getrusage) plus, for `process`, of the child
 * (/proc/PID/stat). The two sides alternate, R rounds, medians reported.
 *
 * Run from the top of the source tree after building:
 *
 *   build/bench/isolation [--seconds 3] [--rounds 3] [--json out.json]
 *
 * Without GST_PLUGIN_PATH / GST_RTCBOT_HELPER the plugin and the helper of
 * the build tree (../gst/rtcbot next to this binary) are used. Exit
 * status: 0 done and process reached 80 % of in-process fps, 1 it did
 * not, 2 setup error. */

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

#define GOAL_RATIO 0.8

static gint opt_seconds = 3;
static gint opt_rounds = 3;
static gint opt_width = 1280;
static gint opt_height = 720;
static gchar *opt_pattern = NULL;
static gchar *opt_json = NULL;

static GOptionEntry entries[] = {
  {"seconds", 's', 0, G_OPTION_ARG_INT, &opt_seconds,
      "Measured seconds per round and side (default 3)", "S"},
  {"rounds", 'r', 0, G_OPTION_ARG_INT, &opt_rounds,
      "Alternating rounds (default 3)", "R"},
  {"width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Frame width (1280)", "W"},
  {"height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Frame height (720)", "H"},
  {"pattern", 0, 0, G_OPTION_ARG_STRING, &opt_pattern,
      "videotestsrc pattern (default smpte)", "P"},
  {"json", 0, 0, G_OPTION_ARG_FILENAME, &opt_json,
      "Also write the results as JSON to FILE", "FILE"},
  {NULL}
};

typedef struct
{
  gdouble fps;
  gdouble cpu_parent;           /* % of one core */
  gdouble cpu_child;
  guint64 frames;
} Result;

static GstPadProbeReturn
count_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    g_atomic_pointer_add ((gsize *) data,
        gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)));
  else
    g_atomic_pointer_add ((gsize *) data, 1);
  return GST_PAD_PROBE_OK;
}

static gdouble
self_cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The running helper child of this process, 0 if none. */
static pid_t
helper_child (void)
{
  GDir *dir = g_dir_open ("/proc", 0, NULL);
  const gchar *name;
  pid_t found = 0;

  while (dir && (name = g_dir_read_name (dir)) && found == 0) {
    gchar *path = g_strdup_printf ("/proc/%s/stat", name), *stat = NULL;
    const gchar *p;
    gint ppid;
    gchar state;

    if (atoi (name) > 0 && g_file_get_contents (path, &stat, NULL, NULL)
        && strstr (stat, "(gst-rtcbot-iso") && (p = strrchr (stat, ')'))
        && sscanf (p + 1, " %c %d", &state, &ppid) == 2
        && ppid == (gint) getpid () && state != 'Z')
      found = atoi (name);
    g_free (stat);
    g_free (path);
  }
  if (dir)
    g_dir_close (dir);
  return found;
}

static gdouble
child_cpu_seconds (pid_t pid)
{
  gchar *path, *stat = NULL;
  const gchar *p;
  unsigned long utime = 0, stime = 0;
  gdouble ret = 0;

  if (pid <= 0)
    return 0;
  path = g_strdup_printf ("/proc/%d/stat", pid);
  /* fields 14 and 15, after the command in parentheses */
  if (g_file_get_contents (path, &stat, NULL, NULL)
      && (p = strrchr (stat, ')'))
      && sscanf (p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
          &utime, &stime) == 2)
    ret = (gdouble) (utime + stime) / sysconf (_SC_CLK_TCK);
  g_free (stat);
  g_free (path);
  return ret;
}

static gboolean
run_side (const gchar * side, Result * result, GString * err)
{
  gchar *launch = g_strdup_printf ("rtcbotsrc name=s source=\"videotestsrc "
      "is-live=false pattern=%s ! video/x-raw,format=I420,width=%d,height=%d,"
      "framerate=30/1\" isolation=%s s.src_0 ! fakesink name=sink sync=false",
      opt_pattern, opt_width, opt_height, side);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (launch, &error);
  GstElement *src, *sink;
  GstPad *pad;
  gsize frames = 0, f0, f1;
  gdouble t0, t1, c0, c1, k0 = 0, k1 = 0;
  pid_t child = 0;
  GstBus *bus;
  GstMessage *msg;
  gboolean ok = FALSE;

  g_free (launch);
  if (pipeline == NULL) {
    g_string_append_printf (err, "%s", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "s");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (src, "src_0");
  gst_util_set_object_arg (G_OBJECT (pad), "policy", "block");
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, count_probe, &frames, NULL);
  gst_object_unref (pad);
  bus = gst_element_get_bus (pipeline);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_string_append (err, "could not go to PLAYING");
    goto done;
  }
  /* warm-up: the child is up, the pool of memfds is filled */
  g_usleep (G_USEC_PER_SEC / 2);
  if (g_str_equal (side, "process"))
    child = helper_child ();

  t0 = g_get_monotonic_time () / 1e6;
  f0 = g_atomic_pointer_get (&frames);
  c0 = self_cpu_seconds ();
  k0 = child_cpu_seconds (child);
  msg = gst_bus_timed_pop_filtered (bus, opt_seconds * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  t1 = g_get_monotonic_time () / 1e6;
  f1 = g_atomic_pointer_get (&frames);
  c1 = self_cpu_seconds ();
  k1 = child_cpu_seconds (child);
  if (msg) {
    g_string_append_printf (err, "%s before the end of the round",
        GST_MESSAGE_TYPE_NAME (msg));
    gst_message_unref (msg);
    goto done;
  }
  result->frames = f1 - f0;
  result->fps = (f1 - f0) / (t1 - t0);
  result->cpu_parent = 100 * (c1 - c0) / (t1 - t0);
  result->cpu_child = 100 * (k1 - k0) / (t1 - t0);
  ok = TRUE;

done:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return ok;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
median (gdouble * values, guint n)
{
  qsort (values, n, sizeof (gdouble), compare_doubles);
  return n == 0 ? 0 : n % 2 ? values[n / 2] :
      (values[n / 2 - 1] + values[n / 2]) / 2;
}

static gchar *
first_line (const gchar * path)
{
  gchar *contents = NULL, *nl;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("?");
  if ((nl = strchr (contents, '\n')))
    *nl = '\0';
  return contents;
}

static void
use_build_tree (const gchar * argv0)
{
  gchar *exe = g_file_read_link ("/proc/self/exe", NULL);
  gchar *dir = g_path_get_dirname (exe ? exe : argv0);
  gchar *plugins = g_build_filename (dir, "..", "gst", "rtcbot", NULL);
  gchar *helper = g_build_filename (plugins, "gst-rtcbot-isolate", NULL);

  if (!g_getenv ("GST_PLUGIN_PATH") && !g_getenv ("GST_PLUGIN_PATH_1_0"))
    g_setenv ("GST_PLUGIN_PATH_1_0", plugins, TRUE);
  if (!g_getenv ("GST_RTCBOT_HELPER"))
    g_setenv ("GST_RTCBOT_HELPER", helper, TRUE);
  g_free (helper);
  g_free (plugins);
  g_free (dir);
  g_free (exe);
}

int
main (int argc, char **argv)
{
  static const gchar *sides[] = { "none", "process" };
  GOptionContext *ctx = g_option_context_new ("- rtcbotsrc isolation=process "
      "vs none, raw video");
  GError *error = NULL;
  GString *rows = g_string_new (NULL), *cmd = g_string_new (NULL);
  gdouble *fps[2], *cpu[2];
  gchar *load_before, *load_after;
  guint n[2] = { 0, 0 }, r, s, i;
  gdouble med_fps[2], med_cpu[2], ratio;
  cpu_set_t set;
  guint nproc;
  gboolean goal;

  /* as given, before the options are taken out of argv */
  for (i = 0; i < (guint) argc; i++)
    g_string_append_printf (cmd, "%s%s", i ? " " : "", argv[i]);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (opt_pattern == NULL)
    opt_pattern = g_strdup ("smpte");
  use_build_tree (argv[0]);
  gst_init (NULL, NULL);
  if (!gst_element_factory_find ("rtcbotsrc")) {
    g_printerr ("rtcbotsrc not found (GST_PLUGIN_PATH)\n");
    return 2;
  }
  nproc = sched_getaffinity (0, sizeof (set), &set) == 0 ?
      (guint) CPU_COUNT (&set) : (guint) sysconf (_SC_NPROCESSORS_ONLN);
  load_before = first_line ("/proc/loadavg");

  for (s = 0; s < 2; s++) {
    fps[s] = g_new0 (gdouble, opt_rounds);
    cpu[s] = g_new0 (gdouble, opt_rounds);
  }
  printf ("### rtcbotsrc source=, isolation none vs process, %dx%d I420\n\n",
      opt_width, opt_height);
  printf ("| round | isolation | fps | CPU %% (this process) | CPU %% "
      "(child) | frames |\n|---:|---|---:|---:|---:|---:|\n");
  for (r = 0; r < (guint) opt_rounds; r++) {
    for (i = 0; i < 2; i++) {
      /* alternate which side goes first */
      const gchar *side = sides[(i + r) % 2];
      Result res = { 0, };
      GString *err = g_string_new (NULL);

      s = (i + r) % 2;
      if (!run_side (side, &res, err)) {
        g_printerr ("round %u %s: %s\n", r + 1, side, err->str);
        printf ("| %u | %s | error: %s | | | |\n", r + 1, side, err->str);
        g_string_free (err, TRUE);
        continue;
      }
      g_string_free (err, TRUE);
      fps[s][n[s]] = res.fps;
      cpu[s][n[s]] = res.cpu_parent + res.cpu_child;
      n[s]++;
      printf ("| %u | %s | %.1f | %.1f | %.1f | %" G_GUINT64_FORMAT " |\n",
          r + 1, side, res.fps, res.cpu_parent, res.cpu_child, res.frames);
      fflush (stdout);
      g_string_append_printf (rows, "%s{\"side\": \"%s\", \"round\": %u, "
          "\"fps\": %.2f, \"cpu_parent_percent\": %.1f, "
          "\"cpu_child_percent\": %.1f, \"frames\": %" G_GUINT64_FORMAT "}",
          rows->len ? ", " : "", side, r + 1, res.fps, res.cpu_parent,
          res.cpu_child, res.frames);
    }
  }
  load_after = first_line ("/proc/loadavg");
  if (n[0] == 0 || n[1] == 0) {
    g_printerr ("a side never ran\n");
    return 2;
  }
  for (s = 0; s < 2; s++) {
    med_fps[s] = median (fps[s], n[s]);
    med_cpu[s] = median (cpu[s], n[s]);
  }
  ratio = med_fps[1] / med_fps[0];
  goal = ratio >= GOAL_RATIO;
  printf ("\n| isolation | fps (median) | CPU %% (median, both processes) "
      "| CPU ms per frame |\n|---|---:|---:|---:|\n");
  for (s = 0; s < 2; s++)
    printf ("| %s | %.1f | %.1f | %.2f |\n", sides[s], med_fps[s],
        med_cpu[s], 10 * med_cpu[s] / med_fps[s]);
  printf ("\nprocess / none: **%.2f** of the frames per second (goal %.2f); "
      "nproc %u, loadavg %s → %s\n", ratio, GOAL_RATIO, nproc, load_before,
      load_after);

  if (opt_json) {
    gchar *text = g_strdup_printf ("{\"benchmark\": \"isolation\", "
        "\"command\": \"%s\", \"nproc\": %u, \"loadavg_before\": \"%s\", "
        "\"loadavg_after\": \"%s\", \"width\": %d, \"height\": %d, "
        "\"pattern\": \"%s\", \"seconds\": %d, \"rounds\": %d, "
        "\"rows\": [%s], \"ratio\": %.3f, \"checks\": [{\"name\": "
        "\"isolation=process reaches %.0f %% of in-process fps\", "
        "\"ok\": %s, \"detail\": \"%.0f %% (%.1f vs %.1f fps, %dx%d I420)\"}]}\n",
        cmd->str, nproc, load_before, load_after, opt_width, opt_height,
        opt_pattern, opt_seconds, opt_rounds, rows->str, ratio,
        100 * GOAL_RATIO, goal ? "true" : "false", 100 * ratio, med_fps[1],
        med_fps[0], opt_width, opt_height);

    if (!g_file_set_contents (opt_json, text, -1, &error)) {
      g_printerr ("cannot write %s: %s\n", opt_json, error->message);
      return 2;
    }
    g_free (text);
  }
  return goal ? 0 : 1;
}
