/* gst-rtcbot benchmark
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
 */

/* Echo server for bench/websocket: an rtcbotwebsocketbin in server mode,
 * and an application thread that `get`s every message and `put`s it back
 * (to every connected client, i.e. the one load generator).
 *
 * Prints "PORT <n>" on stdout once listening; runs until SIGINT/SIGTERM,
 * stdin reaching EOF (with --stdin), or --duration seconds. On exit prints
 * "ECHOED <n>" and the drop counters of the inner queues on stderr.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <gst/gst.h>
#include <gst/rtcbot/gstrtcbotbin.h>

static gint port = 0;
static gdouble duration = 0;
static gboolean watch_stdin = FALSE;
static gint out_queue = -1;
static gint in_queue = -1;
static gboolean use_signals = FALSE;
static volatile sig_atomic_t stop;

static GOptionEntry entries[] = {
  {"port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port (default 0: any)",
      "PORT"},
  {"duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      "Stop after this many seconds (default: run until signalled)", "S"},
  {"stdin", 0, 0, G_OPTION_ARG_NONE, &watch_stdin,
      "Stop when stdin reaches EOF", NULL},
  {"out-queue", 0, 0, G_OPTION_ARG_INT, &out_queue,
      "max-buffers of the inner outgoing rtcbotsink (default: its own, 64; "
        "0 = unbounded)", "N"},
  {"in-queue", 0, 0, G_OPTION_ARG_INT, &in_queue,
      "max-buffers of the default subscription that get reads (default: "
        "its own, 64; 0 = unbounded)", "N"},
  {"signals", 0, 0, G_OPTION_ARG_NONE, &use_signals,
      "Echo through the get and put action signals, as a Python "
        "application does, instead of gst_rtcbot_bin_get/put", NULL},
  {NULL}
};

static void
on_signal (int sig)
{
  stop = 1;
}

static gpointer
stdin_watch (gpointer data)
{
  char buf[64];

  while (read (0, buf, sizeof buf) > 0);
  stop = 1;
  return NULL;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  GstElement *pipeline, *ws, *outgoing, *incoming;
  GstBus *bus;
  gint64 deadline;
  guint64 echoed = 0, dropped_out = 0;
  guint bound = 0;
  int status = 0;

  ctx = g_option_context_new ("- rtcbotwebsocketbin echo server");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);

  pipeline = gst_pipeline_new (NULL);
  ws = gst_element_factory_make ("rtcbotwebsocketbin", "ws");
  if (ws == NULL) {
    g_printerr ("no rtcbotwebsocketbin: set GST_PLUGIN_PATH to the build "
        "tree\n");
    return 1;
  }
  g_object_set (ws, "mode", 1 /* server */ , "listen-port", port, NULL);
  gst_bin_add (GST_BIN (pipeline), ws);
  outgoing = gst_bin_get_by_name (GST_BIN (ws), "outgoing");
  incoming = gst_bin_get_by_name (GST_BIN (ws), "incoming");
  if (out_queue >= 0 && outgoing)
    g_object_set (outgoing, "max-buffers", (guint) out_queue, NULL);
  if (in_queue >= 0 && incoming)
    g_object_set (incoming, "max-buffers", (guint) in_queue, NULL);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("cannot start the server\n");
    return 1;
  }
  g_object_get (ws, "bound-port", &bound, NULL);
  /* the default subscription, before any client can connect */
  {
    GstSample *s = NULL;

    g_signal_emit_by_name (ws, "get", (guint64) 0, &s);
    if (s)
      gst_sample_unref (s);
  }
  g_print ("PORT %u\n", bound);
  fflush (stdout);

  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  if (watch_stdin)
    g_thread_unref (g_thread_new ("stdin", stdin_watch, NULL));
  deadline = duration > 0 ?
      g_get_monotonic_time () + (gint64) (duration * G_USEC_PER_SEC) : 0;
  bus = gst_element_get_bus (pipeline);

  while (!stop && (deadline == 0 || g_get_monotonic_time () < deadline)) {
    GstSample *sample = NULL;
    GstMessage *msg;

    if (use_signals)
      g_signal_emit_by_name (ws, "get", (guint64) (100 * GST_MSECOND),
          &sample);
    else
      sample = gst_rtcbot_bin_get (GST_RTCBOT_BIN (ws), 100 * GST_MSECOND);
    if (sample) {
      GstFlowReturn ret;

      if (use_signals)
        g_signal_emit_by_name (ws, "put", gst_sample_get_buffer (sample),
            &ret);
      else
        gst_rtcbot_bin_put (GST_RTCBOT_BIN (ws),
            gst_buffer_ref (gst_sample_get_buffer (sample)));
      gst_sample_unref (sample);
      echoed++;
      continue;
    }
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("ERROR: %s\n", err->message);
      g_clear_error (&err);
      gst_message_unref (msg);
      status = 1;
      break;
    }
  }

  if (outgoing)
    g_object_get (outgoing, "dropped", &dropped_out, NULL);
  g_printerr ("ECHOED %" G_GUINT64_FORMAT " outgoing-dropped %"
      G_GUINT64_FORMAT "\n", echoed, dropped_out);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_clear_object (&outgoing);
  gst_clear_object (&incoming);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return status;
}
