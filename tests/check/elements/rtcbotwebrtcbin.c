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

#include <string.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include "rtcbotcheck.h"

/* how long a test waits for what it expects; under valgrind a peer's
 * first offer alone took over 20 s in a CI run */
#define TIMEOUT (g_getenv ("RTCBOT_UNDER_VALGRIND") ? 90 * GST_SECOND : \
    20 * GST_SECOND)

/* A pipeline holding one rtcbotwebrtcbin named "w". */
typedef struct
{
  GstElement *pipeline;
  GstElement *w;
  GMutex lock;
  GCond cond;
  guint frames;                 /* decoded video received */
} Peer;

static Peer *
peer_new (const gchar * description)
{
  Peer *p = g_new0 (Peer, 1);

  p->pipeline = rtcbot_check_launch (description);
  p->w = gst_bin_get_by_name (GST_BIN (p->pipeline), "w");
  fail_unless (p->w != NULL);
  g_mutex_init (&p->lock);
  g_cond_init (&p->cond);
  return p;
}

static void
peer_free (Peer * p)
{
  gst_element_set_state (p->pipeline, GST_STATE_NULL);
  gst_object_unref (p->w);
  gst_object_unref (p->pipeline);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->cond);
  g_free (p);
}

static void
peer_play (Peer * p)
{
  GstSample *sample = NULL;

  fail_if (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  /* the default subscription, before anything can arrive */
  g_signal_emit_by_name (p->w, "get", (guint64) 0, &sample);
  fail_unless (sample == NULL);
}

/* Pops bus messages until an element message @name (or, with @name NULL,
 * a message of @type) from the element arrives. */
static GstMessage *
wait_for (Peer * p, GstMessageType type, const gchar * name)
{
  GstBus *bus = gst_element_get_bus (p->pipeline);
  GstMessage *msg = rtcbot_check_wait (bus, type, name, TIMEOUT, NULL, NULL);

  gst_object_unref (bus);
  return msg;
}

static void
wait_element (Peer * p, const gchar * name)
{
  gst_message_unref (wait_for (p, GST_MESSAGE_ELEMENT, name));
}

static gchar *
get_string (Peer * p)
{
  GstSample *sample = NULL;
  GstMapInfo map;
  gchar *text;

  g_signal_emit_by_name (p->w, "get", (guint64) TIMEOUT, &sample);
  fail_unless (sample != NULL, "no message");
  fail_unless (gst_structure_has_name (gst_caps_get_structure
          (gst_sample_get_caps (sample), 0), "application/x-json"));
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  text = g_strndup ((const gchar *) map.data, map.size);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_sample_unref (sample);
  return text;
}

static void
put_json (Peer * p, const gchar * json)
{
  GstFlowReturn ret = GST_FLOW_ERROR;

  g_signal_emit_by_name (p->w, "put-json", json, &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
}

static GstPadProbeReturn
count_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Peer *p = user_data;

  g_mutex_lock (&p->lock);
  p->frames++;
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->lock);
  return GST_PAD_PROBE_OK;
}

/* Received video goes to a fakesink, counted. */
static void
on_pad_added (GstElement * w, GstPad * pad, Peer * p)
{
  GstElement *sink;
  GstPad *sinkpad;

  if (!g_str_has_prefix (GST_PAD_NAME (pad), "video_src_"))
    return;
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "async", FALSE, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (p->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_frame, p, NULL);
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
}

static void
wait_frames (Peer * p, guint n)
{
  gint64 end = g_get_monotonic_time () + TIMEOUT / GST_USECOND;

  g_mutex_lock (&p->lock);
  while (p->frames < n)
    if (!g_cond_wait_until (&p->cond, &p->lock, end))
      break;
  fail_unless (p->frames >= n, "%u decoded frames, expected %u", p->frames, n);
  g_mutex_unlock (&p->lock);
}

static Peer *
server_new (const gchar * extra)
{
  gchar *d = g_strdup_printf ("videotestsrc is-live=true ! "
      "video/x-raw,width=320,height=240,framerate=15/1 ! "
      "rtcbotwebrtcbin name=w listen-port=0 %s", extra ? extra : "");
  Peer *p = peer_new (d);

  g_free (d);
  return p;
}

static Peer *
client_new (Peer * server)
{
  gint port = 0;
  gchar *d;
  Peer *p;

  g_object_get (server->w, "bound-port", &port, NULL);
  fail_unless (port > 0);
  d = g_strdup_printf ("rtcbotwebrtcbin name=w "
      "connect-url=http://127.0.0.1:%d/connect", port);
  p = peer_new (d);
  g_free (d);
  g_signal_connect (p->w, "pad-added", G_CALLBACK (on_pad_added), p);
  return p;
}

GST_START_TEST (test_connect_url_data_and_video)
{
  Peer *server = server_new (NULL);
  Peer *client;
  gchar *text;
  gboolean ready = FALSE;

  peer_play (server);
  client = client_new (server);
  peer_play (client);

  wait_element (client, "rtcbot-ready");
  wait_element (server, "rtcbot-peer-connected");
  wait_element (server, "rtcbot-ready");
  g_object_get (client->w, "ready", &ready, NULL);
  fail_unless (ready);

  put_json (client, "{\"hello\": 1}");
  text = get_string (server);
  fail_unless_equals_string (text, "{\"hello\": 1}");
  g_free (text);
  put_json (server, "[\"to\", \"client\"]");
  text = get_string (client);
  fail_unless_equals_string (text, "[\"to\", \"client\"]");
  g_free (text);

  /* text that is not JSON: warned about, counted, dropped; the channel
   * carries on */
  {
    GstFlowReturn ret = GST_FLOW_ERROR;
    GstMessage *msg;
    GError *err = NULL;
    guint64 invalid = 0;

    g_signal_emit_by_name (client->w, "put-string", "not {json", &ret);
    fail_unless_equals_int (ret, GST_FLOW_OK);
    msg = wait_for (server, GST_MESSAGE_WARNING, NULL);
    gst_message_parse_warning (msg, &err, NULL);
    fail_unless (strstr (err->message, "invalid JSON") != NULL, "%s",
        err->message);
    fail_unless (strstr (err->message, "not {json") != NULL, "%s",
        err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
    g_object_get (server->w, "invalid-messages", &invalid, NULL);
    fail_unless_equals_uint64 (invalid, 1);
    put_json (client, "{\"still\": true}");
    text = get_string (server);
    fail_unless_equals_string (text, "{\"still\": true}");
    g_free (text);
  }

  wait_frames (client, 5);

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

/* gst-launch-1.0 -e: an EOS sent to each pipeline ends it, with a peer
 * connected and video flowing, on both sides. */
GST_START_TEST (test_eos_on_shutdown)
{
  Peer *server = server_new (NULL);
  Peer *client;
  GstMessage *msg;

  peer_play (server);
  client = client_new (server);
  peer_play (client);
  wait_element (client, "rtcbot-ready");
  wait_element (server, "rtcbot-peer-connected");
  wait_frames (client, 2);

  fail_unless (gst_element_send_event (server->pipeline, gst_event_new_eos ()));
  msg = wait_for (server, GST_MESSAGE_EOS, NULL);
  gst_message_unref (msg);
  fail_unless (gst_element_send_event (client->pipeline, gst_event_new_eos ()));
  msg = wait_for (client, GST_MESSAGE_EOS, NULL);
  gst_message_unref (msg);

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

static gboolean
is_vp8enc (const GValue * value, GValue * unused)
{
  GstElement *element = g_value_get_object (value);
  GstElementFactory *factory = gst_element_get_factory (element);

  return !(factory && g_str_equal (GST_OBJECT_NAME (factory), "vp8enc"));
}

/* Nobody watching: nothing reaches the encoder; the first peer still gets
 * video at once. */
GST_START_TEST (test_idle_without_peers)
{
  Peer *server = server_new (NULL);
  Peer *client;
  GstIterator *it;
  GValue found = G_VALUE_INIT;
  GstElement *encoder;
  GstPad *sinkpad;
  gint encoded = 0;

  peer_play (server);
  /* the encoder is put in place when the first caps arrive */
  g_usleep (G_USEC_PER_SEC / 2);
  it = gst_bin_iterate_recurse (GST_BIN (server->w));
  fail_unless (gst_iterator_find_custom (it, (GCompareFunc) is_vp8enc, &found,
          NULL));
  gst_iterator_free (it);
  encoder = g_value_get_object (&found);
  sinkpad = gst_element_get_static_pad (encoder, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer,
      &encoded, NULL);
  g_usleep (G_USEC_PER_SEC / 2);
  fail_unless_equals_int (g_atomic_int_get (&encoded), 0);

  client = client_new (server);
  peer_play (client);
  wait_frames (client, 5);
  fail_unless (g_atomic_int_get (&encoded) >= 5);

  peer_free (client);
  gst_object_unref (sinkpad);
  g_value_unset (&found);
  peer_free (server);
}

GST_END_TEST;

/* The app carries the descriptions itself: create-offer on one side,
 * create-answer on the other, set-remote-description back. */
GST_START_TEST (test_app_signalling)
{
  Peer *a = peer_new ("videotestsrc is-live=true ! "
      "video/x-raw,width=160,height=120,framerate=15/1 ! "
      "rtcbotwebrtcbin name=w");
  Peer *b = peer_new ("rtcbotwebrtcbin name=w");
  gchar *offer = NULL, *answer = NULL, *text;
  gboolean ok = FALSE;

  g_signal_connect (b->w, "pad-added", G_CALLBACK (on_pad_added), b);
  peer_play (a);
  peer_play (b);

  g_signal_emit_by_name (a->w, "create-offer", &offer);
  fail_unless (offer != NULL);
  fail_unless (strstr (offer, "\"type\":\"offer\"") != NULL
      || strstr (offer, "\"type\" : \"offer\"") != NULL, "%s", offer);
  fail_unless (strstr (offer, "a=candidate") != NULL, "no candidates: %s",
      offer);
  g_signal_emit_by_name (b->w, "create-answer", offer, &answer);
  fail_unless (answer != NULL);
  g_signal_emit_by_name (a->w, "set-remote-description", answer, &ok);
  fail_unless (ok);

  wait_element (a, "rtcbot-ready");
  wait_element (b, "rtcbot-ready");
  put_json (b, "{\"from\": \"b\"}");
  text = get_string (a);
  fail_unless_equals_string (text, "{\"from\": \"b\"}");
  g_free (text);
  wait_frames (b, 5);

  g_free (offer);
  g_free (answer);
  peer_free (b);
  peer_free (a);
}

GST_END_TEST;

/* Connects a viewer to the robot described by @robot_launch, waits for
 * decoded video and returns the robot's first rtcbot-peer-stats message. */
static GstMessage *
connect_for_stats (const gchar * robot_launch, Peer ** robot, Peer ** viewer)
{
  Peer *a = peer_new (robot_launch);
  Peer *b = peer_new ("rtcbotwebrtcbin name=w");
  gchar *offer = NULL, *answer = NULL;
  gboolean ok = FALSE;

  g_signal_connect (b->w, "pad-added", G_CALLBACK (on_pad_added), b);
  peer_play (a);
  peer_play (b);
  g_signal_emit_by_name (a->w, "create-offer", &offer);
  g_signal_emit_by_name (b->w, "create-answer", offer, &answer);
  g_signal_emit_by_name (a->w, "set-remote-description", answer, &ok);
  fail_unless (ok);
  wait_frames (b, 5);
  g_free (offer);
  g_free (answer);
  *robot = a;
  *viewer = b;
  return wait_for (a, GST_MESSAGE_ELEMENT, "rtcbot-peer-stats");
}

/* A peer sent media gets its link statistics once a second, also on
 * demand, and the bitrate limits are kept: the video's by the encoder,
 * the link estimate's with the share kept free for messages. */
GST_START_TEST (test_peer_stats)
{
  Peer *a, *b;
  const GstStructure *s;
  GstStructure *stats = NULL;
  GstMessage *msg;
  guint estimate = 0, encoder_bitrate = 0, peer = G_MAXUINT;
  gint width = 0, control = -1;

  msg = connect_for_stats ("videotestsrc is-live=true ! "
      "video/x-raw,width=160,height=120,framerate=15/1 ! "
      "rtcbotwebrtcbin name=w min-bitrate=50000 max-bitrate=400000 "
      "start-bitrate=200000", &a, &b);
  g_object_get (b->w, "congestion-control", &control, NULL);
  fail_unless_equals_int (control, 1);  /* adaptive */
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_get (s, "peer", G_TYPE_UINT, &peer, "estimate",
          G_TYPE_UINT, &estimate, "encoder-bitrate", G_TYPE_UINT,
          &encoder_bitrate, "width", G_TYPE_INT, &width, NULL));
  fail_unless (estimate >= 50000 && estimate <= 400000 / 0.85 + 1,
      "estimate %u", estimate);
  fail_unless (encoder_bitrate >= 50000 && encoder_bitrate <= 400000,
      "encoder-bitrate %u", encoder_bitrate);
  fail_unless_equals_int (width, 160);
  fail_unless (gst_structure_has_field (s, "sent-bitrate"));
  fail_unless (gst_structure_has_field (s, "feedback"));
  gst_message_unref (msg);

  g_signal_emit_by_name (a->w, "get-peer-stats", peer, &stats);
  fail_unless (stats != NULL);
  fail_unless (gst_structure_get_uint (stats, "estimate", &estimate));
  fail_unless (estimate >= 50000 && estimate <= 400000 / 0.85 + 1);
  gst_structure_free (stats);
  stats = NULL;
  g_signal_emit_by_name (a->w, "get-peer-stats", peer + 1000, &stats);
  fail_unless (stats == NULL);

  peer_free (b);
  peer_free (a);
}

GST_END_TEST;

/* Audio keeps its share: what opusenc sends (64 kbit/s by default) comes
 * off the video's share of the estimate, and the estimator's limits make
 * room for it. The receiver links its video only: its unlinked audio pad
 * must not stop the bundle the video comes in. */
GST_START_TEST (test_peer_stats_audio_share)
{
  Peer *a, *b;
  const GstStructure *s;
  GstMessage *msg;
  guint estimate = 0, encoder_bitrate = 0;
  const guint audio = 64000;

  msg = connect_for_stats ("videotestsrc is-live=true ! "
      "video/x-raw,width=160,height=120,framerate=15/1 ! "
      "rtcbotwebrtcbin name=w min-bitrate=50000 max-bitrate=400000 "
      "start-bitrate=200000 audiotestsrc is-live=true ! w.audio_sink_%u",
      &a, &b);
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_get (s, "estimate", G_TYPE_UINT, &estimate,
          "encoder-bitrate", G_TYPE_UINT, &encoder_bitrate, NULL));
  fail_unless (estimate + 1 >= (50000 + audio) / 0.85
      && estimate <= (400000 + audio) / 0.85 + 1, "estimate %u", estimate);
  fail_unless (encoder_bitrate >= 50000
      && encoder_bitrate <= estimate * 0.85 - audio + 1,
      "encoder-bitrate %u for an estimate of %u", encoder_bitrate, estimate);
  gst_message_unref (msg);

  peer_free (b);
  peer_free (a);
}

GST_END_TEST;

/* Sends raw bytes as an HTTP request; returns the whole response. */
static gchar *
http_request (gint port, const gchar * request)
{
  GSocketClient *client = g_socket_client_new ();
  GSocketConnection *conn;
  GOutputStream *out;
  GInputStream *in;
  GString *response = g_string_new (NULL);
  gchar buf[4096];
  gssize n;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL,
      NULL);
  fail_unless (conn != NULL);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  fail_unless (g_output_stream_write_all (out, request, strlen (request),
          NULL, NULL, NULL));
  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (response, buf, n);
  g_object_unref (conn);
  g_object_unref (client);
  return g_string_free (response, FALSE);
}

static gchar *
post_connect (gint port, const gchar * body)
{
  gchar *request = g_strdup_printf ("POST /connect HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: %"
      G_GSIZE_FORMAT "\r\n\r\n%s", strlen (body), body);
  gchar *response = http_request (port, request);

  g_free (request);
  return response;
}

GST_START_TEST (test_malformed_connect)
{
  Peer *server = server_new (NULL);
  const gchar *bodies[] = {
    "this is not json",
    "{\"type\": \"offer\"}",
    "{\"type\": \"offer\", \"sdp\": \"v=0\\r\\nnot really sdp\"}",
    "{\"type\": \"answer\", \"sdp\": \"v=0\"}",
  };
  gint port = 0;
  guint i;

  peer_play (server);
  g_object_get (server->w, "bound-port", &port, NULL);
  for (i = 0; i < G_N_ELEMENTS (bodies); i++) {
    gchar *response = post_connect (port, bodies[i]);

    GST_INFO ("%s -> %s", bodies[i], response);
    fail_unless (g_str_has_prefix (response, "HTTP/1.1 400"), "%s: %s",
        bodies[i], response);
    g_free (response);
  }
  {
    GString *big = g_string_new ("{\"type\": \"offer\", \"sdp\": \"");
    gchar *response;

    while (big->len < 1024 * 1024 + 16)
      g_string_append (big, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    g_string_append (big, "\"}");
    response = post_connect (port, big->str);
    fail_unless (g_str_has_prefix (response, "HTTP/1.1 413"), "%.80s",
        response);
    fail_unless (strstr (response, "larger than 1 MiB") != NULL, "%s",
        response);
    g_free (response);
    g_string_free (big, TRUE);
  }
  {
    GstMessage *msg = wait_for (server, GST_MESSAGE_WARNING, NULL);
    GError *err = NULL;

    gst_message_parse_warning (msg, &err, NULL);
    fail_unless (strstr (err->message, "/connect") != NULL, "%s", err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
  }
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_pages)
{
  Peer *server = server_new (NULL);
  gint port = 0;
  gchar *response;

  peer_play (server);
  g_object_get (server->w, "bound-port", &port, NULL);
  response = http_request (port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Connection: close\r\n\r\n");
  fail_unless (g_str_has_prefix (response, "HTTP/1.1 200"), "%.80s", response);
  fail_unless (strstr (response, "rtcbot.js") != NULL);
  g_free (response);
  response = http_request (port, "GET /rtcbot.js HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
  fail_unless (g_str_has_prefix (response, "HTTP/1.1 200"));
  fail_unless (strstr (response, "RTCConnection") != NULL);
  g_free (response);
  response = http_request (port, "GET /../etc/passwd HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
  fail_if (g_str_has_prefix (response, "HTTP/1.1 200"), "%.80s", response);
  g_free (response);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_port_in_use)
{
  GSocketService *service = g_socket_service_new ();
  GInetAddress *lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *address = g_inet_socket_address_new (lo, 0);
  GSocketAddress *bound = NULL;
  GstMessage *msg;
  GError *err = NULL;
  gchar *d, *port_text;
  Peer *p;
  guint16 port;

  fail_unless (g_socket_listener_add_address (G_SOCKET_LISTENER (service),
          address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
          NULL));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  d = g_strdup_printf ("rtcbotwebrtcbin name=w listen-port=%u", port);
  p = peer_new (d);
  g_free (d);
  fail_unless_equals_int (gst_element_set_state (p->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  msg = wait_for (p, GST_MESSAGE_ERROR, NULL);
  gst_message_parse_error (msg, &err, NULL);
  port_text = g_strdup_printf ("127.0.0.1:%u", port);
  fail_unless (strstr (err->message, port_text) != NULL, "%s", err->message);
  g_free (port_text);
  g_clear_error (&err);
  gst_message_unref (msg);
  peer_free (p);
  g_object_unref (bound);
  g_object_unref (address);
  g_object_unref (lo);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_object_unref (service);
}

GST_END_TEST;

GST_START_TEST (test_connect_url_refused)
{
  Peer *p = peer_new ("rtcbotwebrtcbin name=w "
      "connect-url=http://127.0.0.1:1/connect");
  GstMessage *msg;
  GError *err = NULL;

  fail_if (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = wait_for (p, GST_MESSAGE_ERROR, NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "http://127.0.0.1:1/connect") != NULL,
      "%s", err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  peer_free (p);
}

GST_END_TEST;

GST_START_TEST (test_state_cycles)
{
  Peer *server = server_new (NULL);
  guint i;

  for (i = 0; i < 20; i++) {
    fail_if (gst_element_set_state (server->pipeline, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (server->pipeline, GST_STATE_NULL) ==
        GST_STATE_CHANGE_SUCCESS);
  }
  peer_free (server);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* security: auth-token, allowed-origins, TLS, body size                  */

#define TOKEN "s3cret-T0ken"

static gchar *
test_data (const gchar * name)
{
  const gchar *dir = g_getenv ("RTCBOT_TEST_DATA");

  fail_unless (dir != NULL, "RTCBOT_TEST_DATA is not set");
  return g_build_filename (dir, name, NULL);
}

/* POST @body to @path with the extra @headers (each ending in \r\n) */
static gchar *
post_with (gint port, const gchar * path, const gchar * headers,
    const gchar * body)
{
  gchar *request = g_strdup_printf ("POST %s HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nConnection: close\r\n%sContent-Length: %"
      G_GSIZE_FORMAT "\r\n\r\n%s", path, headers, strlen (body), body);
  gchar *response = http_request (port, request);

  g_free (request);
  return response;
}

static void
assert_status (gchar * response, const gchar * status)
{
  gchar *prefix = g_strconcat ("HTTP/1.1 ", status, NULL);

  fail_unless (g_str_has_prefix (response, prefix), "expected %s: %.200s",
      status, response);
  g_free (prefix);
  g_free (response);
}

static gchar *
wait_warning (Peer * p)
{
  GstMessage *msg = wait_for (p, GST_MESSAGE_WARNING, NULL);
  GError *err = NULL;
  gchar *text;

  gst_message_parse_warning (msg, &err, NULL);
  text = g_strdup (err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  return text;
}

GST_START_TEST (test_connect_auth)
{
  Peer *server = server_new ("auth-token=" TOKEN
      " allowed-origins=\"https://good.example,http://also.ok\"");
  const gchar *bearer = "Authorization: Bearer " TOKEN "\r\n";
  gint port = 0;
  gchar *text, *response;

  peer_play (server);
  g_object_get (server->w, "bound-port", &port, NULL);

  /* no token, a wrong one: 401, a warning naming the peer, not the token */
  response = post_with (port, "/connect", "", "not json");
  fail_unless (strstr (response, "WWW-Authenticate: Bearer") != NULL, "%s",
      response);
  assert_status (response, "401");
  text = wait_warning (server);
  fail_unless (strstr (text, "401") != NULL, "%s", text);
  fail_unless (strstr (text, "127.0.0.1:") != NULL, "%s", text);
  fail_unless (strstr (text, TOKEN) == NULL, "%s", text);
  g_free (text);
  assert_status (post_with (port, "/connect",
          "Authorization: Bearer wrong\r\n", "not json"), "401");
  assert_status (post_with (port, "/connect?token=" TOKEN "0", "",
          "not json"), "401");
  assert_status (post_with (port, "/connect?token=s3cret", "", "not json"),
      "401");

  /* the right one, as Bearer and as ?token=: on to the offer (400 here) */
  assert_status (post_with (port, "/connect", bearer, "not json"), "400");
  assert_status (post_with (port, "/connect?token=" TOKEN, "", "not json"),
      "400");

  /* Origin: checked when present */
  text = g_strconcat (bearer, "Origin: https://evil.example\r\n", NULL);
  assert_status (post_with (port, "/connect", text, "not json"), "403");
  g_free (text);
  text = g_strconcat (bearer, "Origin: https://good.example\r\n", NULL);
  assert_status (post_with (port, "/connect", text, "not json"), "400");
  g_free (text);
  text = g_strconcat (bearer, "Origin: http://also.ok\r\n", NULL);
  assert_status (post_with (port, "/connect", text, "not json"), "400");
  g_free (text);

  /* the page itself is public */
  response = http_request (port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Connection: close\r\n\r\n");
  assert_status (response, "200");
  peer_free (server);
}

GST_END_TEST;

/* An offer above 1 MiB: 413 from its headers when it says its length, and
 * once 1 MiB has come when it is chunked; a refused token comes first. */
GST_START_TEST (test_connect_too_large)
{
  Peer *server = server_new ("auth-token=" TOKEN);
  gint port = 0;
  GString *big = g_string_new ("{\"type\": \"offer\", \"sdp\": \"");
  GString *chunked = g_string_new (NULL);
  gsize sent;

  peer_play (server);
  g_object_get (server->w, "bound-port", &port, NULL);
  while (big->len < 1024 * 1024 + 16)
    g_string_append (big, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_string_append (big, "\"}");

  assert_status (post_with (port, "/connect", "", big->str), "401");
  assert_status (post_with (port, "/connect", "Authorization: Bearer " TOKEN
          "\r\n", big->str), "413");

  g_string_append (chunked, "POST /connect?token=" TOKEN " HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nConnection: close\r\n"
      "Transfer-Encoding: chunked\r\n\r\n");
  for (sent = 0; sent < big->len; sent += 65536) {
    gsize n = MIN (65536, big->len - sent);

    g_string_append_printf (chunked, "%" G_GSIZE_MODIFIER "x\r\n", n);
    g_string_append_len (chunked, big->str + sent, n);
    g_string_append (chunked, "\r\n");
  }
  g_string_append (chunked, "0\r\n\r\n");
  assert_status (http_request (port, chunked->str), "413");

  /* with Expect: 100-continue, refused before the body is even sent */
  assert_status (http_request (port, "POST /connect?token=" TOKEN
          " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n"
          "Expect: 100-continue\r\n\r\n"), "413");
  assert_status (http_request (port, "POST /connect HTTP/1.1\r\n"
          "Host: 127.0.0.1\r\nContent-Length: 100000000\r\n"
          "Expect: 100-continue\r\n\r\n"), "401");

  g_string_free (chunked, TRUE);
  g_string_free (big, TRUE);
  peer_free (server);
}

GST_END_TEST;

/* connect-url to a server with auth-token: the client's auth-token goes as
 * Bearer; without it, an error naming the URL and the 401 */
GST_START_TEST (test_connect_url_token_refused)
{
  Peer *server = server_new ("auth-token=" TOKEN);
  const gchar *tokens[] = { NULL, "wrong" };
  gint port = 0;
  guint i;

  peer_play (server);
  g_object_get (server->w, "bound-port", &port, NULL);
  for (i = 0; i < G_N_ELEMENTS (tokens); i++) {
    gchar *url = g_strdup_printf ("http://127.0.0.1:%d/connect", port);
    gchar *d = g_strdup_printf ("rtcbotwebrtcbin name=w connect-url=%s %s%s",
        url, tokens[i] ? "auth-token=" : "", tokens[i] ? tokens[i] : "");
    Peer *client = peer_new (d);
    GstMessage *msg;
    GError *err = NULL;

    fail_if (gst_element_set_state (client->pipeline, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
    msg = wait_for (client, GST_MESSAGE_ERROR, NULL);
    gst_message_parse_error (msg, &err, NULL);
    fail_unless (strstr (err->message, url) != NULL, "%s", err->message);
    fail_unless (strstr (err->message, "401") != NULL, "%s", err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
    peer_free (client);
    g_free (d);
    g_free (url);
  }
  peer_free (server);
}

GST_END_TEST;

static Peer *
tls_server_new (void)
{
  gchar *cert = test_data ("test-cert.pem");
  gchar *key = test_data ("test-key.pem");
  gchar *extra = g_strdup_printf ("tls-certificate=\"%s\" tls-key=\"%s\" "
      "auth-token=" TOKEN, cert, key);
  Peer *server = server_new (extra);

  g_free (extra);
  g_free (cert);
  g_free (key);
  return server;
}

/* https with a self-signed certificate: refused by a validating client */
GST_START_TEST (test_connect_url_https_untrusted)
{
  Peer *server = tls_server_new ();
  gint port = 0;
  gchar *url, *d;
  Peer *client;
  GstMessage *msg;
  GError *err = NULL;

  peer_play (server);
  g_object_get (server->w, "bound-port", &port, NULL);
  url = g_strdup_printf ("https://127.0.0.1:%d/connect", port);
  d = g_strdup_printf ("rtcbotwebrtcbin name=w connect-url=%s auth-token="
      TOKEN, url);
  client = peer_new (d);
  fail_if (gst_element_set_state (client->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = wait_for (client, GST_MESSAGE_ERROR, NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, url) != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "not trusted") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  peer_free (client);
  g_free (d);
  g_free (url);
  peer_free (server);
}

GST_END_TEST;

/* https, auth-token on both sides, tls-validation=false: data both ways */
GST_START_TEST (test_connect_url_https_token)
{
  Peer *server = tls_server_new ();
  Peer *client;
  gint port = 0;
  gchar *d, *text;

  peer_play (server);
  g_object_get (server->w, "bound-port", &port, NULL);
  d = g_strdup_printf ("rtcbotwebrtcbin name=w connect-url="
      "https://127.0.0.1:%d/connect auth-token=" TOKEN
      " tls-validation=false", port);
  client = peer_new (d);
  g_free (d);
  peer_play (client);

  wait_element (client, "rtcbot-ready");
  wait_element (server, "rtcbot-ready");
  put_json (client, "{\"over\": \"https\"}");
  text = get_string (server);
  fail_unless_equals_string (text, "{\"over\": \"https\"}");
  g_free (text);
  put_json (server, "[1]");
  text = get_string (client);
  fail_unless_equals_string (text, "[1]");
  g_free (text);

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_bad_tls_files)
{
  gchar *cert = test_data ("test-cert.pem");
  gchar *missing = test_data ("no-such-file.pem");
  const gchar *files[][2] = {
    {missing, NULL},
    {cert, missing},
    {cert, NULL},               /* no key in the certificate's file */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    gchar *d = g_strdup_printf ("rtcbotwebrtcbin name=w listen-port=0 "
        "tls-certificate=\"%s\"%s%s%s", files[i][0],
        files[i][1] ? " tls-key=\"" : "", files[i][1] ? files[i][1] : "",
        files[i][1] ? "\"" : "");
    Peer *p = peer_new (d);
    GstMessage *msg;
    GError *err = NULL;

    g_free (d);
    fail_unless_equals_int (gst_element_set_state (p->pipeline,
            GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
    msg = wait_for (p, GST_MESSAGE_ERROR, NULL);
    gst_message_parse_error (msg, &err, NULL);
    fail_unless (strstr (err->message, i == 1 ? missing : files[i][0]) !=
        NULL, "%s", err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
    peer_free (p);
  }
  g_free (cert);
  g_free (missing);
}

GST_END_TEST;

GST_START_TEST (test_security_property_defaults)
{
  GstElement *w = gst_element_factory_make ("rtcbotwebrtcbin", NULL);
  gchar *token, *origins, *cert, *key, *host;
  gboolean tls_validation;

  g_object_get (w, "auth-token", &token, "allowed-origins", &origins,
      "tls-certificate", &cert, "tls-key", &key, "listen-host", &host,
      "tls-validation", &tls_validation, NULL);
  fail_unless (token == NULL && origins == NULL && cert == NULL && key == NULL);
  fail_unless (tls_validation);
  fail_unless_equals_string (host, "127.0.0.1");
  g_free (host);
  gst_object_unref (w);
}

GST_END_TEST;

static Suite *
rtcbotwebrtcbin_suite (void)
{
  Suite *s = suite_create ("rtcbotwebrtcbin");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  /* a DTLS handshake and VP8 encoding under memcheck take many minutes:
   * the memcheck run covers signalling, HTTP and the state changes */
  if (g_getenv ("RTCBOT_UNDER_VALGRIND") == NULL) {
    tcase_add_test (tc, test_connect_url_data_and_video);
    tcase_add_test (tc, test_eos_on_shutdown);
    tcase_add_test (tc, test_app_signalling);
    tcase_add_test (tc, test_idle_without_peers);
    tcase_add_test (tc, test_connect_url_https_token);
    tcase_add_test (tc, test_peer_stats_audio_share);
    /* these make offers too: under memcheck the UPnP discovery thread of
     * their ICE agents (libgupnp-igd, libgssdp 1.6) leaks a GSocketAddress,
     * not our code, and gathering can outlast the test's timeouts */
    tcase_add_test (tc, test_connect_url_token_refused);
    tcase_add_test (tc, test_connect_url_https_untrusted);
  }
  tcase_add_test (tc, test_malformed_connect);
  tcase_add_test (tc, test_pages);
  tcase_add_test (tc, test_port_in_use);
  tcase_add_test (tc, test_connect_url_refused);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_connect_auth);
  tcase_add_test (tc, test_connect_too_large);
  tcase_add_test (tc, test_bad_tls_files);
  tcase_add_test (tc, test_security_property_defaults);
  tcase_add_test (tc, test_peer_stats);
  return s;
}

GST_CHECK_MAIN (rtcbotwebrtcbin);
