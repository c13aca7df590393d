/* GStreamer RTCBot elements
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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <libsoup/soup.h>

#include "gstrtcbotwebsocketbinprivate.h"
#include "gstrtcbotcommon.h"
#include "gstrtcbotjson.h"

/* the caps of incoming messages, parsed once */
static GstStaticCaps json_caps = GST_STATIC_CAPS (GST_RTCBOT_JSON_CAPS);
static GstStaticCaps text_caps = GST_STATIC_CAPS (GST_RTCBOT_TEXT_CAPS);
static GstStaticCaps bytes_caps = GST_STATIC_CAPS (GST_RTCBOT_BYTES_CAPS);

/* ---------------------------------------------------------------------- */
/* messages                                                               */

/* Soup thread: one frame from a peer becomes one message of the inner
 * rtcbotsrc. */
void
gst_rtcbot_websocket_bin_on_peer_message (SoupWebsocketConnection * conn,
    gint type, GBytes * message, gpointer user_data)
{
  WsPeer *peer = user_data;
  WsRun *run = peer->run;
  GstRtcbotWebsocketBin *self = run->self;
  GstFlowReturn ret = GST_FLOW_OK;
  GstBuffer *buffer;
  GstCaps *caps;
  GstSample *sample;
  GError *error = NULL;
  gsize size;
  const gchar *data = g_bytes_get_data (message, &size);

  if (run->stopping || soup_websocket_connection_get_state (conn) !=
      SOUP_WEBSOCKET_STATE_OPEN)
    return;

  switch (gst_rtcbot_websocket_bin_classify_frame (run->json,
          run->max_message_size, type, data, size, &error)) {
    case WS_FRAME_OVERSIZE:
      gst_rtcbot_websocket_bin_refuse_oversize (peer, size);
      return;
    case WS_FRAME_INVALID:{
      gchar *direction = g_strdup_printf ("received from %s", peer->address);

      gst_rtcbot_bin_drop_invalid (GST_RTCBOT_BIN (self), direction, data,
          size, error);
      g_free (direction);
      g_clear_error (&error);
      return;
    }
    case WS_FRAME_JSON:
      caps = gst_static_caps_get (&json_caps);
      break;
    case WS_FRAME_TEXT:
      caps = gst_static_caps_get (&text_caps);
      break;
    default:
      caps = gst_static_caps_get (&bytes_caps);
      break;
  }

  buffer = size > 0 ? gst_buffer_new_wrapped_bytes (message) :
      gst_buffer_new ();
  sample = gst_sample_new (buffer, caps, NULL, NULL);
  gst_buffer_unref (buffer);
  gst_caps_unref (caps);

  ret = gst_rtcbot_bin_deliver (GST_RTCBOT_BIN (self), sample);
  gst_sample_unref (sample);
  if (ret != GST_FLOW_OK)
    GST_DEBUG_OBJECT (self, "incoming message not delivered: %s",
        gst_flow_get_name (ret));
}

/* A mapped buffer, kept mapped for as long as a GBytes wraps it. */
typedef struct
{
  GstBuffer *buffer;
  GstMapInfo map;
} MappedBuffer;

static void
mapped_buffer_free (gpointer user_data)
{
  MappedBuffer *mapped = user_data;

  gst_buffer_unmap (mapped->buffer, &mapped->map);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

/* Soup thread: sends one outgoing message to every open connection. */
static void
send_sample (WsRun * run, GstSample * sample)
{
  GstRtcbotWebsocketBin *self = run->self;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  SoupWebsocketDataType type = SOUP_WEBSOCKET_DATA_BINARY;
  MappedBuffer *mapped;
  GstMapInfo map;
  GBytes *bytes;
  GList *l;

  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;

  if (run->json) {
    GError *error = NULL;

    /* the same checks as for what is received */
    if (!gst_rtcbot_websocket_bin_check_text ((const gchar *) map.data,
            map.size, &error)
        || !gst_rtcbot_json_validate ((const gchar *) map.data, map.size,
            &error)) {
      gst_rtcbot_bin_drop_invalid (GST_RTCBOT_BIN (self), "not sent",
          (const gchar *) map.data, map.size, error);
      g_clear_error (&error);
      gst_buffer_unmap (buffer, &map);
      return;
    }
    type = SOUP_WEBSOCKET_DATA_TEXT;
  } else {
    GstCaps *caps = gst_sample_get_caps (sample);
    const GstStructure *s = caps && !gst_caps_is_empty (caps) ?
        gst_caps_get_structure (caps, 0) : NULL;

    if (s && (gst_structure_has_name (s, "text/x-raw")
            || gst_structure_has_name (s, "application/x-json")))
      type = SOUP_WEBSOCKET_DATA_TEXT;
  }

  /* no copy: the GBytes keeps the buffer mapped */
  mapped = g_new (MappedBuffer, 1);
  mapped->buffer = gst_buffer_ref (buffer);
  mapped->map = map;
  bytes = g_bytes_new_with_free_func (mapped->map.data, mapped->map.size,
      mapped_buffer_free, mapped);

  for (l = run->peers; l; l = l->next) {
    WsPeer *peer = l->data;

    if (soup_websocket_connection_get_state (peer->conn) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_send_message (peer->conn, type, bytes);
  }
  g_bytes_unref (bytes);
}

/* Soup thread: client mode, the connection is open. */
static gboolean
client_is_open (WsRun * run)
{
  WsPeer *peer = run->peers ? run->peers->data : NULL;

  return peer && soup_websocket_connection_get_state (peer->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN;
}

/* Soup thread: sends what the inner rtcbotsink holds. A client keeps it
 * until its connection is open; a server without clients drops it. */
void
gst_rtcbot_websocket_bin_drain (WsRun * run)
{
  GstRtcbotWebsocketBin *self = run->self;
  GstSample *sample;

  if (run->stopping || run->closing)
    return;
  /* a client keeps the messages while it is not connected, also while a
   * lost connection is closing, so that a reconnection sends them */
  if (run->mode == GST_RTCBOT_WEBSOCKET_MODE_CLIENT && !client_is_open (run))
    return;

  while (TRUE) {
    sample = NULL;
    sample = gst_rtcbot_bin_take_outgoing (GST_RTCBOT_BIN (self));
    if (sample == NULL)
      break;
    if (run->peers == NULL)
      GST_LOG_OBJECT (self, "no client connected, message dropped");
    else
      send_sample (run, sample);
    gst_sample_unref (sample);
  }
}

/* Soup thread: the drain source is ready. Disarms it first, so that a
 * message arriving during the drain re-arms it. */
gboolean
gst_rtcbot_websocket_bin_drain_cb (gpointer user_data)
{
  WsRun *run = user_data;

  g_source_set_ready_time (run->drain_source, -1);
  g_atomic_int_set (&run->self->drain_pending, 0);
  gst_rtcbot_websocket_bin_drain (run);
  return G_SOURCE_CONTINUE;
}

static gboolean
drain_source_dispatch (GSource * source, GSourceFunc callback,
    gpointer user_data)
{
  return callback (user_data);
}

GSourceFuncs gst_rtcbot_websocket_bin_drain_source_funcs = {
  NULL, NULL, drain_source_dispatch, NULL, NULL, NULL
};

/* Runs @func on the soup thread of the current run, if there is one. */
gboolean
gst_rtcbot_websocket_bin_invoke_on_soup_thread (GstRtcbotWebsocketBin * self,
    GSourceFunc func)
{
  GMainContext *context = NULL;
  WsRun *run = NULL;
  GSource *source;

  GST_OBJECT_LOCK (self);
  if (self->run) {
    run = self->run;
    context = g_main_context_ref (run->context);
  }
  GST_OBJECT_UNLOCK (self);

  if (context == NULL)
    return FALSE;
  /* a source attached after the thread ended is destroyed with the
   * context, never dispatched */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, run, NULL);
  g_source_attach (source, context);
  g_source_unref (source);
  g_main_context_unref (context);
  return TRUE;
}

/* Streaming or application thread: the inner rtcbotsink got a message.
 * Arms the run's drain source, coalescing bursts: while a drain is
 * pending, nothing is done. */
void
gst_rtcbot_websocket_bin_send (GstRtcbotBin * bin)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (bin);
  GMainContext *context = NULL;
  GSource *source = NULL;

  if (!g_atomic_int_compare_and_exchange (&self->drain_pending, 0, 1))
    return;

  GST_OBJECT_LOCK (self);
  if (self->run) {
    /* the context too: the source points to it */
    context = g_main_context_ref (self->run->context);
    source = g_source_ref (self->run->drain_source);
  }
  GST_OBJECT_UNLOCK (self);

  if (source == NULL) {
    g_atomic_int_set (&self->drain_pending, 0);
    return;
  }
  /* wakes the soup thread's context; never dispatched once the run ended
   * and destroyed the source */
  g_source_set_ready_time (source, 0);
  g_source_unref (source);
  g_main_context_unref (context);
  return;
}
