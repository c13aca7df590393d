/* gst-rtcbot example
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

/* RTCBot's Websocket as a server, with rtcbotwebsocketbin: prints every
 * JSON message a client sends and answers with a reply, like
 *
 *     ws = Websocket(...)        # RTCBot
 *     while True:
 *         msg = await ws.get()
 *         print(msg)
 *         ws.put_nowait({"echo": msg, "n": n})
 *
 * Peers connecting and leaving are reported from the bus.
 *
 * Run: GST_PLUGIN_PATH=build/gst/rtcbot:build/ext/websocket \
 *        build/examples/websocket/websocket-server --port 8080
 * then connect any websocket client to ws://127.0.0.1:8080/ws, e.g.
 * examples/websocket/client.py --url ws://127.0.0.1:8080/ws
 */

#include <stdio.h>
#include <string.h>
#include <gst/gst.h>

#include <gst/rtcbot/gstrtcbotmissing.h>

static gint port = 8080;
static gdouble duration = 0;

static GOptionEntry entries[] = {
  {"port", 'p', 0, G_OPTION_ARG_INT, &port,
      "TCP port on 127.0.0.1 (default 8080, 0 = any free port)", "PORT"},
  {"duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      "Seconds to run (default: until interrupted)", "SECONDS"},
  {NULL}
};

/* Bus messages: peers coming and going, errors. FALSE to stop. */
static gboolean
handle_bus (GstBus * bus)
{
  GstMessage *msg;
  gboolean ok = TRUE;

  while (ok && (msg = gst_bus_pop (bus)) != NULL) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT) {
      const GstStructure *s = gst_message_get_structure (msg);

      if (gst_structure_has_name (s, "rtcbot-peer-connected")
          || gst_structure_has_name (s, "rtcbot-peer-closed")) {
        guint peer = 0;

        gst_structure_get_uint (s, "peer", &peer);
        g_print ("%s: peer %u (%s)\n", gst_structure_get_name (s) + 12,
            peer, gst_structure_get_string (s, "address"));
      }
    } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("ERROR: %s\n", err->message);
      g_clear_error (&err);
      ok = FALSE;
    } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      GError *err = NULL;

      gst_message_parse_warning (msg, &err, NULL);
      g_printerr ("warning: %s\n", err->message);
      g_clear_error (&err);
    }
    gst_message_unref (msg);
  }
  return ok;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  GstElement *pipeline, *ws;
  GstSample *sample = NULL;
  GstBus *bus;
  gint64 deadline;
  guint bound_port = 0, received = 0;
  int status = 0;

  ctx = g_option_context_new ("- websocket server printing and answering "
      "JSON messages");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);

  pipeline = gst_rtcbot_parse_launch ("rtcbotwebsocketbin name=ws mode=server",
      0, &error);
  if (pipeline == NULL) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  /* a single-element description is that element: put it in a pipeline */
  if (!GST_IS_PIPELINE (pipeline)) {
    GstElement *bin = gst_pipeline_new (NULL);

    gst_bin_add (GST_BIN (bin), pipeline);
    pipeline = bin;
  }
  ws = gst_bin_get_by_name (GST_BIN (pipeline), "ws");
  g_object_set (ws, "listen-port", port, NULL);
  bus = gst_element_get_bus (pipeline);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    handle_bus (bus);
    status = 1;
    goto done;
  }
  g_object_get (ws, "bound-port", &bound_port, NULL);
  /* subscribe before any client can send */
  g_signal_emit_by_name (ws, "get", (guint64) 0, &sample);
  g_clear_pointer (&sample, gst_sample_unref);
  g_print ("listening on ws://127.0.0.1:%u/ws\n", bound_port);
  fflush (stdout);

  deadline = duration > 0 ?
      g_get_monotonic_time () + (gint64) (duration * G_USEC_PER_SEC) : 0;
  while (deadline == 0 || g_get_monotonic_time () < deadline) {
    GstBuffer *buffer;
    GstMapInfo map;
    gchar *reply;
    GstFlowReturn ret;

    if (!handle_bus (bus)) {
      status = 1;
      break;
    }
    g_signal_emit_by_name (ws, "get", (guint64) (100 * GST_MSECOND), &sample);
    if (sample == NULL)
      continue;

    buffer = gst_sample_get_buffer (sample);
    gst_buffer_map (buffer, &map, GST_MAP_READ);
    /* json=TRUE: what arrives is valid JSON, so it can be embedded */
    g_print ("received: %.*s\n", (int) map.size, (const char *) map.data);
    reply = g_strdup_printf ("{\"echo\": %.*s, \"n\": %u}", (int) map.size,
        (const char *) map.data, ++received);
    gst_buffer_unmap (buffer, &map);
    gst_sample_unref (sample);
    sample = NULL;

    g_signal_emit_by_name (ws, "put-json", reply, &ret);
    g_free (reply);
  }
  g_print ("received %u messages\n", received);

done:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (ws);
  gst_object_unref (pipeline);
  return status;
}
