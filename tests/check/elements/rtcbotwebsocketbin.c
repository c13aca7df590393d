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

/* Unit tests for rtcbotwebsocketbin (docs/rtcbotwebsocketbin.md): a server
 * bin and client bins in one process, each in a PLAYING pipeline, talking
 * over 127.0.0.1. Every wait is bounded. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>
#include <gst/check/gstcheck.h>
#include "rtcbotcheck.h"
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define CAPS_JSON "application/x-json"
#define CAPS_TEXT "text/x-raw, format = (string) utf8"
#define CAPS_BYTES "application/octet-stream"

/* generous, so that the suite also passes under valgrind */
#define WAIT (10 * GST_SECOND)

typedef struct
{
  GstElement *pipeline;
  GstElement *ws;
  GstBus *bus;
  /* seen (and skipped) by wait_for */
  gboolean saw_eos;
  gboolean saw_closed;
} Peer;

static Peer *
peer_new (const gchar * description)
{
  Peer *p = g_new0 (Peer, 1);

  p->pipeline = rtcbot_check_launch (description);
  p->ws = gst_bin_get_by_name (GST_BIN (p->pipeline), "ws");
  fail_unless (p->ws != NULL);
  p->bus = gst_element_get_bus (p->pipeline);
  return p;
}

static void
peer_free (Peer * p)
{
  fail_unless_equals_int (gst_element_set_state (p->pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (p->bus);
  gst_object_unref (p->ws);
  gst_object_unref (p->pipeline);
  g_free (p);
}

static void
peer_play (Peer * p)
{
  fail_if (gst_element_set_state (p->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
}

static void
note_skipped (GstMessage * msg, gpointer user_data)
{
  Peer *p = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    p->saw_eos = TRUE;
  if (gst_message_has_name (msg, "rtcbot-closed"))
    p->saw_closed = TRUE;
}

/* Pops messages until one of @type (named @name for element messages)
 * arrives; fails on an unexpected error or after WAIT. */
static GstMessage *
wait_for (Peer * p, GstMessageType type, const gchar * name)
{
  return rtcbot_check_wait (p->bus, type, name, WAIT, note_skipped, p);
}

static void
wait_ready (Peer * p)
{
  while (TRUE) {
    GstMessage *msg = wait_for (p, GST_MESSAGE_ELEMENT, "rtcbot-ready");
    gboolean ready = FALSE;

    gst_structure_get_boolean (gst_message_get_structure (msg), "ready",
        &ready);
    fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (p->ws));
    gst_message_unref (msg);
    if (ready)
      return;
  }
}

static guint
wait_peer (Peer * server, const gchar * name)
{
  GstMessage *msg = wait_for (server, GST_MESSAGE_ELEMENT, name);
  const GstStructure *s = gst_message_get_structure (msg);
  guint id = G_MAXUINT;

  fail_unless (gst_structure_get_uint (s, "peer", &id));
  fail_unless (g_str_has_prefix (gst_structure_get_string (s, "address"),
          "127.0.0.1:"));
  gst_message_unref (msg);
  return id;
}

static Peer *
server_new (const gchar * extra)
{
  gchar *d =
      g_strdup_printf ("rtcbotwebsocketbin name=ws mode=server listen-port=0"
      " %s", extra ? extra : "");
  Peer *p = peer_new (d);
  guint port = 0;

  g_free (d);
  peer_play (p);
  g_object_get (p->ws, "bound-port", &port, NULL);
  fail_unless (port > 0);
  gst_message_unref (wait_for (p, GST_MESSAGE_ELEMENT, "rtcbot-ready"));
  return p;
}

static gchar *
server_url (Peer * server)
{
  guint port;

  g_object_get (server->ws, "bound-port", &port, NULL);
  return g_strdup_printf ("ws://127.0.0.1:%u/ws", port);
}

static Peer *
client_new (Peer * server, const gchar * extra, gboolean play)
{
  gchar *url = server_url (server);
  gchar *d = g_strdup_printf ("rtcbotwebsocketbin name=ws url=%s %s", url,
      extra ? extra : "");
  Peer *p = peer_new (d);

  g_free (d);
  g_free (url);
  if (play)
    peer_play (p);
  return p;
}

/* subscribes the application (the first get creates the subscription) */
static void
subscribe (Peer * p)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (p->ws, "get", (guint64) 0, &sample);
  fail_unless (sample == NULL);
}

static void
put (Peer * p, const gchar * action, const gchar * string)
{
  fail_unless_equals_int (rtcbot_check_put_string (p->ws, action, string),
      GST_FLOW_OK);
}

static GstSample *
get (Peer * p)
{
  GstSample *sample = rtcbot_check_get (p->ws, WAIT);

  fail_unless (sample != NULL, "no message within the timeout");
  return sample;
}

static void
assert_sample (GstSample * sample, const gchar * caps_str, const guint8 * data,
    gsize size)
{
  GstCaps *caps = gst_caps_from_string (caps_str);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;

  fail_unless (gst_caps_is_equal (gst_sample_get_caps (sample), caps),
      "caps %" GST_PTR_FORMAT " instead of %s", gst_sample_get_caps (sample),
      caps_str);
  gst_caps_unref (caps);
  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  fail_unless_equals_int (map.size, size);
  /* an empty message maps to NULL data: memcmp (NULL, ..., 0) is undefined
   * (UBSan's nonnull-attribute check) */
  fail_unless (size == 0 || memcmp (map.data, data, size) == 0);
  gst_buffer_unmap (buffer, &map);
  gst_sample_unref (sample);
}

static void
expect_string (Peer * p, const gchar * caps, const gchar * string)
{
  assert_sample (get (p), caps, (const guint8 *) string, strlen (string));
}

/* ---------------------------------------------------------------------- */

GST_START_TEST (test_json_both_ways)
{
  const gchar *to_server = "{\"a\": 1, \"b\": [true, null, \"\\u00e9\"]}";
  const gchar *to_client = "{\"x\":{\"y\":-2.5e3}}";
  Peer *server = server_new (NULL);
  Peer *client;

  subscribe (server);
  client = client_new (server, NULL, TRUE);
  wait_peer (server, "rtcbot-peer-connected");
  wait_ready (client);
  subscribe (client);
  {
    gboolean ready;

    g_object_get (client->ws, "ready", &ready, NULL);
    fail_unless (ready);
  }

  put (client, "put-json", to_server);
  expect_string (server, CAPS_JSON, to_server);
  put (server, "put-json", to_client);
  expect_string (client, CAPS_JSON, to_client);

  peer_free (client);
  wait_peer (server, "rtcbot-peer-closed");
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_send_before_connect)
{
  Peer *server = server_new (NULL);
  Peer *client;

  subscribe (server);
  client = client_new (server, NULL, FALSE);
  put (client, "put-json", "[1]");      /* in NULL */
  peer_play (client);
  put (client, "put-json", "[2]");      /* most probably not open yet */
  put (client, "put-json", "[3]");

  expect_string (server, CAPS_JSON, "[1]");
  expect_string (server, CAPS_JSON, "[2]");
  expect_string (server, CAPS_JSON, "[3]");

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_text_and_binary)
{
  const gchar *text = "h\xc3\xa9llo {not json}\n";
  guint8 bytes[256];
  GstBuffer *buffer;
  GstFlowReturn ret = GST_FLOW_ERROR;
  Peer *server = server_new ("json=false");
  Peer *client;
  guint i;

  for (i = 0; i < sizeof (bytes); i++)
    bytes[i] = i;
  subscribe (server);
  client = client_new (server, "json=false", TRUE);
  wait_ready (client);
  wait_peer (server, "rtcbot-peer-connected");
  subscribe (client);

  put (client, "put-string", text);
  expect_string (server, CAPS_TEXT, text);

  buffer = gst_buffer_new_memdup (bytes, sizeof (bytes));
  g_signal_emit_by_name (client->ws, "put", buffer, &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  assert_sample (get (server), CAPS_BYTES, bytes, sizeof (bytes));

  g_signal_emit_by_name (server->ws, "put", buffer, &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  assert_sample (get (client), CAPS_BYTES, bytes, sizeof (bytes));
  gst_buffer_unref (buffer);

  put (server, "put-string", "");
  expect_string (client, CAPS_TEXT, "");

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_invalid_json_incoming)
{
  Peer *server = server_new (NULL);
  Peer *client;
  GstMessage *msg;
  GError *err = NULL;
  guint64 invalid = 0;

  subscribe (server);
  client = client_new (server, "json=false", TRUE);
  wait_ready (client);

  put (client, "put-string", "{\"a\": tru}");
  msg = wait_for (server, GST_MESSAGE_WARNING, NULL);
  gst_message_parse_warning (msg, &err, NULL);
  GST_INFO ("warning: %s", err->message);
  fail_unless (strstr (err->message, "invalid JSON") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "{\"a\": tru}") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  g_object_get (server->ws, "invalid-messages", &invalid, NULL);
  fail_unless_equals_uint64 (invalid, 1);

  /* the connection is kept */
  put (client, "put-string", "{\"a\": true}");
  expect_string (server, CAPS_JSON, "{\"a\": true}");

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_invalid_json_outgoing)
{
  guint8 bad[] = "{\"a\":";
  GstBuffer *buffer = gst_buffer_new_memdup (bad, sizeof (bad) - 1);
  GstFlowReturn ret = GST_FLOW_ERROR;
  Peer *server = server_new (NULL);
  Peer *client;
  GstMessage *msg;
  guint64 invalid = 0;

  subscribe (server);
  client = client_new (server, NULL, TRUE);
  wait_ready (client);

  g_signal_emit_by_name (client->ws, "put", buffer, &ret);
  gst_buffer_unref (buffer);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  msg = wait_for (client, GST_MESSAGE_WARNING, NULL);
  gst_message_unref (msg);
  g_object_get (client->ws, "invalid-messages", &invalid, NULL);
  fail_unless_equals_uint64 (invalid, 1);

  put (client, "put-json", "true");
  expect_string (server, CAPS_JSON, "true");

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_connection_refused)
{
  Peer *server = server_new (NULL);
  gchar *url = server_url (server);
  gchar *d;
  Peer *client;
  GstMessage *msg;
  GError *err = NULL;

  /* a port nobody listens on any more */
  peer_free (server);
  d = g_strdup_printf ("rtcbotwebsocketbin name=ws url=%s", url);
  client = peer_new (d);
  g_free (d);
  peer_play (client);

  msg = wait_for (client, GST_MESSAGE_ERROR, NULL);
  gst_message_parse_error (msg, &err, NULL);
  GST_INFO ("error: %s", err->message);
  fail_unless (strstr (err->message, url) != NULL, "%s", err->message);
  fail_unless (strstr (err->message, "refused") != NULL, "%s", err->message);
  g_clear_error (&err);
  gst_message_unref (msg);

  peer_free (client);
  g_free (url);
}

GST_END_TEST;

GST_START_TEST (test_bad_url)
{
  Peer *client = peer_new ("rtcbotwebsocketbin name=ws url=ftp://x/");
  GstMessage *msg;
  GError *err = NULL;

  fail_unless_equals_int (gst_element_set_state (client->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  msg = wait_for (client, GST_MESSAGE_ERROR, NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "ftp://x/") != NULL, "%s", err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  peer_free (client);
}

GST_END_TEST;

GST_START_TEST (test_port_in_use)
{
  Peer *server = server_new (NULL);
  guint port;
  gchar *d, *where;
  Peer *other;
  GstMessage *msg;
  GError *err = NULL;
  const GstStructure *details = NULL;
  gint code = 0;

  g_object_get (server->ws, "bound-port", &port, NULL);
  d = g_strdup_printf ("rtcbotwebsocketbin name=ws mode=server listen-port=%u",
      port);
  other = peer_new (d);
  g_free (d);
  fail_unless_equals_int (gst_element_set_state (other->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  msg = wait_for (other, GST_MESSAGE_ERROR, NULL);
  gst_message_parse_error (msg, &err, NULL);
  GST_INFO ("error: %s", err->message);
  where = g_strdup_printf ("127.0.0.1:%u", port);
  fail_unless (strstr (err->message, where) != NULL, "%s", err->message);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE), "%s", err->message);
  /* the cause, as GIO said it, for the application */
  gst_message_parse_error_details (msg, &details);
  fail_unless (details != NULL);
  fail_unless (gst_structure_has_name (details, "rtcbot-cause"));
  fail_unless_equals_string (gst_structure_get_string (details, "domain"),
      g_quark_to_string (G_IO_ERROR));
  fail_unless (gst_structure_get_int (details, "code", &code));
  fail_unless_equals_int (code, G_IO_ERROR_ADDRESS_IN_USE);
  g_free (where);
  g_clear_error (&err);
  gst_message_unref (msg);

  peer_free (other);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_peer_close)
{
  Peer *server = server_new (NULL);
  gchar *url = server_url (server);
  gchar *d = g_strdup_printf ("rtcbotwebsocketbin name=ws url=%s "
      "ws.src_0 ! fakesink async=false", url);
  Peer *client = peer_new (d);
  GstMessage *msg;
  const gchar *reason;
  gboolean closed = FALSE;

  g_free (d);
  g_free (url);
  peer_play (client);
  wait_ready (client);
  wait_peer (server, "rtcbot-peer-connected");

  g_signal_emit_by_name (server->ws, "close");
  msg = wait_for (client, GST_MESSAGE_ELEMENT, "rtcbot-closed");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (client->ws));
  reason = gst_structure_get_string (gst_message_get_structure (msg), "reason");
  GST_INFO ("reason: %s", reason);
  fail_unless (strstr (reason, "1000") != NULL, "%s", reason);
  fail_unless (strstr (reason, "closed by the application") != NULL, "%s",
      reason);
  gst_message_unref (msg);
  gst_message_unref (wait_for (client, GST_MESSAGE_EOS, NULL));
  g_object_get (client->ws, "closed", &closed, NULL);
  fail_unless (closed);

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_oversize_message)
{
  Peer *server = server_new ("max-message-size=1024");
  Peer *client, *other;
  GstMessage *msg;
  GError *err = NULL;
  const gchar *reason;
  guint id;
  GString *big = g_string_new ("\"");

  while (big->len < 2000)
    g_string_append (big, "0123456789");
  g_string_append_c (big, '"');

  other = client_new (server, NULL, TRUE);
  wait_ready (other);
  subscribe (other);
  wait_peer (server, "rtcbot-peer-connected");
  client = client_new (server, NULL, TRUE);
  wait_ready (client);
  id = wait_peer (server, "rtcbot-peer-connected");
  put (client, "put-json", big->str);
  g_string_free (big, TRUE);

  /* the server warns and closes that peer with 1009; only that peer goes */
  msg = wait_for (server, GST_MESSAGE_WARNING, NULL);
  gst_message_parse_warning (msg, &err, NULL);
  GST_INFO ("warning: %s", err->message);
  fail_unless (strstr (err->message, "max-message-size (1024") != NULL, "%s",
      err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  fail_unless_equals_int (wait_peer (server, "rtcbot-peer-closed"), id);
  msg = wait_for (client, GST_MESSAGE_ELEMENT, "rtcbot-closed");
  reason = gst_structure_get_string (gst_message_get_structure (msg), "reason");
  GST_INFO ("reason: %s", reason);
  fail_unless (strstr (reason, "code 1009") != NULL, "%s", reason);
  gst_message_unref (msg);

  put (server, "put-json", "\"still here\"");
  expect_string (other, CAPS_JSON, "\"still here\"");

  peer_free (client);
  peer_free (other);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_broadcast_two_clients)
{
  Peer *server = server_new (NULL);
  Peer *a = client_new (server, NULL, TRUE);
  Peer *b = client_new (server, NULL, TRUE);
  guint id_a, id_b;

  wait_ready (a);
  wait_ready (b);
  subscribe (a);
  subscribe (b);
  id_a = wait_peer (server, "rtcbot-peer-connected");
  id_b = wait_peer (server, "rtcbot-peer-connected");
  fail_if (id_a == id_b);

  put (server, "put-json", "{\"to\":\"all\"}");
  expect_string (a, CAPS_JSON, "{\"to\":\"all\"}");
  expect_string (b, CAPS_JSON, "{\"to\":\"all\"}");

  peer_free (a);
  peer_free (b);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_connect_cycles)
{
  Peer *server = server_new (NULL);
  Peer *client = client_new (server, NULL, FALSE);
  guint i, id, last = G_MAXUINT;

  subscribe (server);
  for (i = 0; i < 20; i++) {
    gchar json[32];

    peer_play (client);
    wait_ready (client);
    id = wait_peer (server, "rtcbot-peer-connected");
    fail_if (id == last);
    last = id;
    g_snprintf (json, sizeof (json), "{\"cycle\":%u}", i);
    put (client, "put-json", json);
    expect_string (server, CAPS_JSON, json);

    fail_unless_equals_int (gst_element_set_state (client->pipeline,
            GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    fail_unless_equals_int (wait_peer (server, "rtcbot-peer-closed"), id);
  }

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

/* the text of the next message of @type, which must name every @expected */
static gchar *
wait_text (Peer * p, GstMessageType type, ...)
{
  GstMessage *msg = wait_for (p, type, NULL);
  GError *err = NULL;
  const gchar *expected;
  gchar *text;
  va_list args;

  if (type == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, NULL);
  else
    gst_message_parse_warning (msg, &err, NULL);
  GST_INFO ("%s: %s", gst_message_type_get_name (type), err->message);
  va_start (args, type);
  while ((expected = va_arg (args, const gchar *)))
      fail_unless (strstr (err->message, expected) != NULL,
        "'%s' not in '%s'", expected, err->message);
  va_end (args);
  text = g_strdup (err->message);
  g_clear_error (&err);
  gst_message_unref (msg);
  return text;
}

static void
wait_not_ready (Peer * p)
{
  while (TRUE) {
    GstMessage *msg = wait_for (p, GST_MESSAGE_ELEMENT, "rtcbot-ready");
    gboolean ready = TRUE;

    gst_structure_get_boolean (gst_message_get_structure (msg), "ready",
        &ready);
    gst_message_unref (msg);
    if (!ready)
      return;
  }
}

static gboolean
get_ready (Peer * p)
{
  gboolean ready;

  g_object_get (p->ws, "ready", &ready, NULL);
  return ready;
}

/* gst-launch-1.0 -e: an EOS sent to the pipeline ends it, whether the
 * bin's outgoing side is fed by a producer (the client here: its EOS comes
 * through) or not (the server). */
GST_START_TEST (test_eos_on_shutdown)
{
  Peer *server = server_new ("ws.src_0 ! fakesink async=false");
  Peer *client = client_new (server, "rtcbotsrc name=feed feed.src_0 ! "
      "ws.sink_0 ws.src_0 ! fakesink async=false", TRUE);

  gst_message_unref (wait_for (client, GST_MESSAGE_ELEMENT, "rtcbot-ready"));
  fail_unless (gst_element_send_event (server->pipeline, gst_event_new_eos ()));
  gst_message_unref (wait_for (server, GST_MESSAGE_EOS, NULL));
  fail_unless (gst_element_send_event (client->pipeline, gst_event_new_eos ()));
  gst_message_unref (wait_for (client, GST_MESSAGE_EOS, NULL));
  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_new_property_defaults)
{
  GstElement *ws = gst_element_factory_make ("rtcbotwebsocketbin", NULL);
  gboolean reconnect, tls_validation;
  guint min, max, keepalive, max_clients, request_timeout;

  fail_unless (ws != NULL);
  g_object_get (ws, "reconnect", &reconnect, "reconnect-min", &min,
      "reconnect-max", &max, "keepalive-interval", &keepalive,
      "tls-validation", &tls_validation, "max-peers", &max_clients,
      "request-timeout", &request_timeout, NULL);
  fail_unless (!reconnect);
  fail_unless_equals_int (min, 500);
  fail_unless_equals_int (max, 30000);
  fail_unless_equals_int (keepalive, 30);
  fail_unless_equals_int (request_timeout, 20);
  fail_unless (tls_validation);
  fail_unless_equals_int (max_clients, 0);
  gst_object_unref (ws);
}

GST_END_TEST;

/* The server stops (state NULL) and comes back on the same port: a client
 * with reconnect reconnects, and what was put during the outage arrives. */
GST_START_TEST (test_reconnect_server_restart)
{
  Peer *server = server_new (NULL);
  Peer *client;
  guint port;
  gboolean closed = TRUE;
  gchar *url = server_url (server);

  g_object_get (server->ws, "bound-port", &port, NULL);
  subscribe (server);
  client = client_new (server, "reconnect=true reconnect-min=50 "
      "reconnect-max=200", TRUE);
  wait_ready (client);
  subscribe (client);
  wait_peer (server, "rtcbot-peer-connected");
  put (client, "put-json", "[\"before\"]");
  expect_string (server, CAPS_JSON, "[\"before\"]");

  /* outage */
  fail_unless_equals_int (gst_element_set_state (server->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  wait_not_ready (client);
  fail_if (get_ready (client));
  g_free (wait_text (client, GST_MESSAGE_WARNING, url, "reconnecting", NULL));
  put (client, "put-json", "[\"during\"]");

  /* back on the same port */
  g_object_set (server->ws, "listen-port", port, NULL);
  peer_play (server);
  wait_ready (client);
  fail_unless (get_ready (client));
  wait_peer (server, "rtcbot-peer-connected");
  expect_string (server, CAPS_JSON, "[\"during\"]");
  put (client, "put-json", "[\"after\"]");
  expect_string (server, CAPS_JSON, "[\"after\"]");
  put (server, "put-json", "[\"to client\"]");
  expect_string (client, CAPS_JSON, "[\"to client\"]");

  /* a reconnecting client never ended its stream */
  fail_if (client->saw_eos);
  fail_if (client->saw_closed);
  g_object_get (client->ws, "closed", &closed, NULL);
  fail_if (closed);

  peer_free (client);
  peer_free (server);
  g_free (url);
}

GST_END_TEST;

/* Nobody listens yet: with reconnect a refused connection is a warning
 * (no error) and the client keeps trying until a server appears. */
GST_START_TEST (test_reconnect_refused)
{
  Peer *server = server_new (NULL);
  gchar *url = server_url (server);
  gchar *d;
  guint port;
  Peer *client;

  g_object_get (server->ws, "bound-port", &port, NULL);
  fail_unless_equals_int (gst_element_set_state (server->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  subscribe (server);

  d = g_strdup_printf ("rtcbotwebsocketbin name=ws url=%s reconnect=true "
      "reconnect-min=50 reconnect-max=100", url);
  client = peer_new (d);
  g_free (d);
  put (client, "put-json", "{\"queued\":true}");
  peer_play (client);
  g_free (wait_text (client, GST_MESSAGE_WARNING, url, "refused",
          "retrying", NULL));
  fail_if (get_ready (client));

  g_object_set (server->ws, "listen-port", port, NULL);
  peer_play (server);
  wait_ready (client);
  expect_string (server, CAPS_JSON, "{\"queued\":true}");
  fail_if (client->saw_eos);

  peer_free (client);
  peer_free (server);
  g_free (url);
}

GST_END_TEST;

/* Without reconnect the peer closing still ends the stream (unchanged),
 * with it the client only reports not ready: covered above. Here: the
 * close action stops a reconnecting client for good. */
GST_START_TEST (test_reconnect_close_action)
{
  Peer *server = server_new (NULL);
  Peer *client = client_new (server, "reconnect=true reconnect-min=50",
      TRUE);
  GstMessage *msg;

  wait_ready (client);
  wait_peer (server, "rtcbot-peer-connected");
  g_signal_emit_by_name (client->ws, "close");
  msg = wait_for (client, GST_MESSAGE_ELEMENT, "rtcbot-closed");
  gst_message_unref (msg);
  wait_peer (server, "rtcbot-peer-closed");
  /* no new connection follows: the next message the server sees is not a
   * peer-connected (the bounded pop returns nothing within 500 ms) */
  msg = gst_bus_timed_pop_filtered (server->bus, 500 * GST_MSECOND,
      GST_MESSAGE_ELEMENT);
  if (msg) {
    fail_if (gst_message_has_name (msg, "rtcbot-peer-connected"));
    gst_message_unref (msg);
  }

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

/* Reads exactly @size bytes from @fd (bounded by its receive timeout). */
static gboolean
read_exactly (int fd, gpointer data, gsize size)
{
  gsize done = 0;

  while (done < size) {
    ssize_t n = recv (fd, (guint8 *) data + done, size - done, 0);

    if (n <= 0)
      return FALSE;
    done += n;
  }
  return TRUE;
}

/* A raw websocket client reads the frames the server sends: with
 * keepalive-interval=1 an otherwise idle connection gets a ping. */
GST_START_TEST (test_keepalive_server_pings)
{
  Peer *server = server_new ("keepalive-interval=1");
  struct sockaddr_in addr = { 0 };
  struct timeval timeout = { WAIT / GST_SECOND, 0 };
  guint port;
  gchar buf[1024];
  gsize len = 0;
  guint8 header[2];
  int fd;
  const gchar *request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n";

  g_object_get (server->ws, "bound-port", &port, NULL);
  fd = socket (AF_INET, SOCK_STREAM, 0);
  fail_unless (fd >= 0);
  fail_unless (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout,
          sizeof (timeout)) == 0);
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fail_unless (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) == 0);
  fail_unless_equals_int (send (fd, request, strlen (request), 0),
      strlen (request));

  /* the 101 response, byte by byte up to the empty line */
  while (len < sizeof (buf) - 1 && !(len >= 4
          && memcmp (buf + len - 4, "\r\n\r\n", 4) == 0)) {
    fail_unless (read_exactly (fd, buf + len, 1), "handshake cut short");
    len++;
  }
  buf[len] = '\0';
  fail_unless (g_str_has_prefix (buf, "HTTP/1.1 101"), "%s", buf);
  wait_peer (server, "rtcbot-peer-connected");

  /* the first frame the idle server sends is a ping (FIN + opcode 9),
   * within the receive timeout */
  fail_unless (read_exactly (fd, header, 2), "no frame from the server");
  fail_unless_equals_int (header[0], 0x89);

  close (fd);
  wait_peer (server, "rtcbot-peer-closed");
  peer_free (server);
}

GST_END_TEST;

/* Both ends ping each other every second: an idle connection stays up
 * across 2.5 s and still carries messages both ways. */
GST_START_TEST (test_keepalive_idle_connection)
{
  Peer *server = server_new ("keepalive-interval=1");
  Peer *client = client_new (server, "keepalive-interval=1", TRUE);
  GstMessage *msg;

  wait_ready (client);
  subscribe (client);
  subscribe (server);
  wait_peer (server, "rtcbot-peer-connected");

  g_usleep (2500 * 1000);
  msg = gst_bus_pop_filtered (server->bus, GST_MESSAGE_ELEMENT);
  if (msg) {
    fail_if (gst_message_has_name (msg, "rtcbot-peer-closed"));
    gst_message_unref (msg);
  }
  fail_unless (get_ready (client));
  put (client, "put-json", "1");
  expect_string (server, CAPS_JSON, "1");
  put (server, "put-json", "2");
  expect_string (client, CAPS_JSON, "2");
  fail_if (client->saw_closed);

  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

/* A plain TCP server on 127.0.0.1 that answers every connection with an
 * HTTP 400 in clear text, as an HTTP server does to a TLS ClientHello. */
typedef struct
{
  int fd;
  guint port;
  guint connections;
  GThread *thread;
} PlainServer;

static gpointer
plain_server_thread (gpointer user_data)
{
  PlainServer *ps = user_data;
  const gchar *answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n";
  guint i;

  for (i = 0; i < ps->connections; i++) {
    int fd = accept (ps->fd, NULL, NULL);
    gchar buf[512];

    if (fd < 0)
      break;
    if (recv (fd, buf, sizeof (buf), 0) > 0)
      send (fd, answer, strlen (answer), MSG_NOSIGNAL);
    close (fd);
  }
  return NULL;
}

static PlainServer *
plain_server_new (guint connections)
{
  PlainServer *ps = g_new0 (PlainServer, 1);
  struct sockaddr_in addr = { 0 };
  socklen_t addr_len = sizeof (addr);
  struct timeval timeout = { WAIT / GST_SECOND, 0 };

  ps->fd = socket (AF_INET, SOCK_STREAM, 0);
  fail_unless (ps->fd >= 0);
  /* bounds the accept () too */
  fail_unless (setsockopt (ps->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout,
          sizeof (timeout)) == 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fail_unless (bind (ps->fd, (struct sockaddr *) &addr, sizeof (addr)) == 0);
  fail_unless (listen (ps->fd, 4) == 0);
  fail_unless (getsockname (ps->fd, (struct sockaddr *) &addr, &addr_len) == 0);
  ps->port = ntohs (addr.sin_port);
  ps->connections = connections;
  ps->thread = g_thread_new ("plain-server", plain_server_thread, ps);
  return ps;
}

static void
plain_server_free (PlainServer * ps)
{
  g_thread_join (ps->thread);
  close (ps->fd);
  g_free (ps);
}

/* There is no TLS server here: wss:// to a plain TCP server fails the TLS
 * handshake, an error naming the URL and TLS. */
GST_START_TEST (test_wss_to_plain_server)
{
  PlainServer *ps = plain_server_new (2);
  gchar *url, *d;
  Peer *client;
  gint i;

  url = g_strdup_printf ("wss://127.0.0.1:%u/ws", ps->port);
  /* also with validation off: the handshake itself fails */
  for (i = 0; i < 2; i++) {
    d = g_strdup_printf ("rtcbotwebsocketbin name=ws url=%s "
        "tls-validation=%s", url, i == 0 ? "true" : "false");
    client = peer_new (d);
    g_free (d);
    peer_play (client);
    g_free (wait_text (client, GST_MESSAGE_ERROR, url, "TLS", NULL));
    peer_free (client);
  }

  plain_server_free (ps);
  g_free (url);
}

GST_END_TEST;

GST_START_TEST (test_max_clients)
{
  Peer *server = server_new ("max-peers=1");
  Peer *a, *b, *c;
  guint id;
  gchar *url = server_url (server);

  a = client_new (server, NULL, TRUE);
  wait_ready (a);
  subscribe (a);
  id = wait_peer (server, "rtcbot-peer-connected");

  /* one too many: HTTP 503, a warning on the server */
  b = client_new (server, NULL, TRUE);
  g_free (wait_text (b, GST_MESSAGE_ERROR, url, "503", NULL));
  g_free (wait_text (server, GST_MESSAGE_WARNING, "503", "max-peers (1)",
          NULL));
  peer_free (b);

  /* the connected one is not affected */
  put (server, "put-json", "\"still\"");
  expect_string (a, CAPS_JSON, "\"still\"");
  fail_unless (get_ready (a));

  /* a place is free again once it leaves */
  peer_free (a);
  fail_unless_equals_int (wait_peer (server, "rtcbot-peer-closed"), id);
  c = client_new (server, NULL, TRUE);
  wait_ready (c);
  wait_peer (server, "rtcbot-peer-connected");
  peer_free (c);

  peer_free (server);
  g_free (url);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* security: auth-token, allowed-origins, TLS                             */

#define TOKEN "s3cret-T0ken"

/* The HTTP status of the answer to @request, sent raw to 127.0.0.1:@port. */
static guint
raw_http_status (guint port, const gchar * request)
{
  struct sockaddr_in addr = { 0 };
  struct timeval timeout = { WAIT / GST_SECOND, 0 };
  gchar buf[256];
  gsize got = 0;
  guint status = 0;
  int fd;

  fd = socket (AF_INET, SOCK_STREAM, 0);
  fail_unless (fd >= 0);
  fail_unless (setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout,
          sizeof (timeout)) == 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (port);
  fail_unless (connect (fd, (struct sockaddr *) &addr, sizeof (addr)) == 0);
  fail_unless (send (fd, request, strlen (request), MSG_NOSIGNAL) ==
      (ssize_t) strlen (request));
  while (got < sizeof (buf) - 1 && !memchr (buf, '\n', got)) {
    ssize_t n = recv (fd, buf + got, sizeof (buf) - 1 - got, 0);

    if (n <= 0)
      break;
    got += n;
  }
  buf[got] = '\0';
  close (fd);
  fail_unless (sscanf (buf, "HTTP/1.1 %u", &status) == 1, "answer: '%s'", buf);
  return status;
}

/* a websocket upgrade of /ws@query with @headers (each ending in \r\n) */
static guint
upgrade_status (Peer * server, const gchar * query, const gchar * headers)
{
  guint port, status;
  gchar *request;

  g_object_get (server->ws, "bound-port", &port, NULL);
  request = g_strdup_printf ("GET /ws%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n%s\r\n", query, port, headers);
  status = raw_http_status (port, request);
  g_free (request);
  return status;
}

static gchar *
test_data (const gchar * name)
{
  const gchar *dir = g_getenv ("RTCBOT_TEST_DATA");

  fail_unless (dir != NULL, "RTCBOT_TEST_DATA is not set");
  return g_build_filename (dir, name, NULL);
}

GST_START_TEST (test_auth_token_server)
{
  Peer *server = server_new ("auth-token=" TOKEN);
  gchar *text;

  /* no token, a wrong one, the right one in the wrong place: 401 */
  fail_unless_equals_int (upgrade_status (server, "", ""), 401);
  text = wait_text (server, GST_MESSAGE_WARNING, "401", "127.0.0.1:", NULL);
  fail_unless (strstr (text, TOKEN) == NULL, "%s", text);
  g_free (text);
  fail_unless_equals_int (upgrade_status (server, "",
          "Authorization: Bearer wrong-token!\r\n"), 401);
  fail_unless_equals_int (upgrade_status (server, "?token=s3cret-T0ke", ""),
      401);
  fail_unless_equals_int (upgrade_status (server, "?token=" TOKEN "x", ""),
      401);
  fail_unless_equals_int (upgrade_status (server, "",
          "Authorization: Basic " TOKEN "\r\n"), 401);

  /* as Bearer and as ?token=: 101 */
  fail_unless_equals_int (upgrade_status (server, "",
          "Authorization: Bearer " TOKEN "\r\n"), 101);
  wait_peer (server, "rtcbot-peer-connected");
  fail_unless_equals_int (upgrade_status (server, "?token=" TOKEN, ""), 101);
  wait_peer (server, "rtcbot-peer-connected");

  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_auth_token_client)
{
  Peer *server = server_new ("auth-token=" TOKEN);
  gchar *url = server_url (server);
  Peer *client;

  /* the client element sends its auth-token as Bearer */
  subscribe (server);
  client = client_new (server, "auth-token=" TOKEN, TRUE);
  wait_ready (client);
  wait_peer (server, "rtcbot-peer-connected");
  put (client, "put-json", "\"authorized\"");
  expect_string (server, CAPS_JSON, "\"authorized\"");
  peer_free (client);

  /* a wrong one is refused, with an error naming the status */
  client = client_new (server, "auth-token=wrong", TRUE);
  g_free (wait_text (client, GST_MESSAGE_ERROR, url, "401", NULL));
  peer_free (client);
  client = client_new (server, NULL, TRUE);
  g_free (wait_text (client, GST_MESSAGE_ERROR, url, "401", NULL));
  peer_free (client);

  peer_free (server);
  g_free (url);
}

GST_END_TEST;

/* A handshake has no body: one is refused from the headers (and dropped,
 * never kept), as is any other path. With Expect: 100-continue the refusal
 * comes before the body is even sent. */
GST_START_TEST (test_request_bodies)
{
  Peer *server = server_new ("auth-token=" TOKEN);
  guint port;
  gchar *request;

  fail_unless_equals_int (upgrade_status (server, "?token=" TOKEN,
          "Content-Length: 5\r\nExpect: 100-continue\r\n"), 413);
  g_object_get (server->ws, "bound-port", &port, NULL);
  request = g_strdup_printf ("POST /elsewhere HTTP/1.1\r\nHost: 127.0.0.1:%u"
      "\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n", port);
  fail_unless_equals_int (raw_http_status (port, request), 404);
  g_free (request);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_allowed_origins)
{
  Peer *server =
      server_new ("allowed-origins=\"https://good.example, http://also.ok/\"");
  Peer *client;

  fail_unless_equals_int (upgrade_status (server, "",
          "Origin: https://evil.example\r\n"), 403);
  g_free (wait_text (server, GST_MESSAGE_WARNING, "403", "127.0.0.1:", NULL));
  fail_unless_equals_int (upgrade_status (server, "",
          "Origin: https://good.example.evil\r\n"), 403);
  fail_unless_equals_int (upgrade_status (server, "",
          "Origin: https://good.example\r\n"), 101);
  wait_peer (server, "rtcbot-peer-connected");
  fail_unless_equals_int (upgrade_status (server, "",
          "Origin: http://also.ok\r\n"), 101);
  wait_peer (server, "rtcbot-peer-connected");

  /* no Origin: not a browser, allowed */
  client = client_new (server, NULL, TRUE);
  wait_ready (client);
  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

GST_START_TEST (test_wss_server)
{
  gchar *cert = test_data ("test-cert.pem");
  gchar *key = test_data ("test-key.pem");
  gchar *extra = g_strdup_printf ("tls-certificate=\"%s\" tls-key=\"%s\" "
      "auth-token=" TOKEN, cert, key);
  Peer *server = server_new (extra);
  Peer *client;
  guint port;
  gchar *d, *url;

  g_object_get (server->ws, "bound-port", &port, NULL);
  url = g_strdup_printf ("wss://127.0.0.1:%u/ws", port);

  /* self-signed: refused by default */
  d = g_strdup_printf ("rtcbotwebsocketbin name=ws url=%s auth-token=" TOKEN,
      url);
  client = peer_new (d);
  g_free (d);
  peer_play (client);
  g_free (wait_text (client, GST_MESSAGE_ERROR, url, "not trusted", NULL));
  peer_free (client);

  /* accepted with tls-validation=false, and messages go both ways */
  subscribe (server);
  d = g_strdup_printf ("rtcbotwebsocketbin name=ws url=%s auth-token=" TOKEN
      " tls-validation=false", url);
  client = peer_new (d);
  g_free (d);
  peer_play (client);
  wait_ready (client);
  subscribe (client);
  wait_peer (server, "rtcbot-peer-connected");
  put (client, "put-json", "[\"over tls\"]");
  expect_string (server, CAPS_JSON, "[\"over tls\"]");
  put (server, "put-json", "{\"back\":1}");
  expect_string (client, CAPS_JSON, "{\"back\":1}");
  peer_free (client);

  peer_free (server);
  g_free (url);
  g_free (extra);
  g_free (cert);
  g_free (key);
}

GST_END_TEST;

GST_START_TEST (test_bad_tls_files)
{
  gchar *cert = test_data ("test-cert.pem");
  gchar *missing = test_data ("no-such-file.pem");
  const gchar *files[][2] = {
    {missing, NULL},            /* no certificate */
    {cert, missing},            /* no key */
    {cert, NULL},               /* no key in the certificate's file */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    gchar *d = g_strdup_printf ("rtcbotwebsocketbin name=ws mode=server "
        "listen-port=0 tls-certificate=\"%s\"%s%s%s", files[i][0],
        files[i][1] ? " tls-key=\"" : "", files[i][1] ? files[i][1] : "",
        files[i][1] ? "\"" : "");
    Peer *server = peer_new (d);

    g_free (d);
    fail_unless_equals_int (gst_element_set_state (server->pipeline,
            GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
    g_free (wait_text (server, GST_MESSAGE_ERROR, i == 1 ? missing :
            files[i][0], NULL));
    peer_free (server);
  }
  g_free (cert);
  g_free (missing);
}

GST_END_TEST;

/* An element producing messages links with a plain '!' (the request pad is
 * made for it), and what it puts reaches the clients. */
GST_START_TEST (test_plain_link)
{
  Peer *server = peer_new ("rtcbotsrc name=app ! rtcbotwebsocketbin name=ws"
      " mode=server listen-port=0");
  GstElement *app = gst_bin_get_by_name (GST_BIN (server->pipeline), "app");
  GstFlowReturn ret = GST_FLOW_ERROR;
  Peer *client;

  peer_play (server);
  gst_message_unref (wait_for (server, GST_MESSAGE_ELEMENT, "rtcbot-ready"));
  client = client_new (server, NULL, TRUE);
  wait_ready (client);
  subscribe (client);
  wait_peer (server, "rtcbot-peer-connected");
  g_signal_emit_by_name (app, "put-json", "{\"linked\": true}", &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  expect_string (client, CAPS_JSON, "{\"linked\": true}");

  gst_object_unref (app);
  peer_free (client);
  peer_free (server);
}

GST_END_TEST;

/* Video offered to a message pad: the link is refused, in a launch line
 * as in gst_pad_link (). */
GST_START_TEST (test_not_messages)
{
  GError *error = NULL;
  GstElement *pipeline, *src, *ws;
  GstPad *srcpad, *sinkpad;
  GstCaps *caps;

  pipeline = gst_parse_launch ("videotestsrc ! rtcbotwebsocketbin"
      " mode=server listen-port=0", &error);
  fail_unless (error != NULL);
  fail_unless (g_error_matches (error, GST_PARSE_ERROR,
          GST_PARSE_ERROR_LINK), "%s", error->message);
  g_clear_error (&error);
  gst_clear_object (&pipeline);

  src = gst_element_factory_make ("videotestsrc", NULL);
  ws = gst_element_factory_make ("rtcbotwebsocketbin", NULL);
  srcpad = gst_element_get_static_pad (src, "src");
  sinkpad = gst_element_request_pad_simple (ws, "sink_%u");
  caps = gst_caps_from_string (CAPS_JSON);
  fail_unless (gst_pad_query_accept_caps (sinkpad, caps));
  gst_caps_unref (caps);
  caps = gst_caps_new_empty_simple ("video/x-raw");
  fail_if (gst_pad_query_accept_caps (sinkpad, caps));
  gst_caps_unref (caps);
  fail_unless_equals_int (gst_pad_link (srcpad, sinkpad),
      GST_PAD_LINK_NOFORMAT);

  gst_element_release_request_pad (ws, sinkpad);
  gst_object_unref (sinkpad);
  gst_object_unref (srcpad);
  gst_object_unref (ws);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_security_property_defaults)
{
  GstElement *ws = gst_element_factory_make ("rtcbotwebsocketbin", NULL);
  gchar *token, *origins, *cert, *key, *host;

  g_object_get (ws, "auth-token", &token, "allowed-origins", &origins,
      "tls-certificate", &cert, "tls-key", &key, "listen-host", &host, NULL);
  fail_unless (token == NULL && origins == NULL && cert == NULL && key == NULL);
  fail_unless_equals_string (host, "127.0.0.1");
  g_free (host);
  gst_object_unref (ws);
}

GST_END_TEST;

static Suite *
rtcbotwebsocketbin_suite (void)
{
  Suite *s = suite_create ("rtcbotwebsocketbin");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_json_both_ways);
  tcase_add_test (tc, test_send_before_connect);
  tcase_add_test (tc, test_text_and_binary);
  tcase_add_test (tc, test_invalid_json_incoming);
  tcase_add_test (tc, test_invalid_json_outgoing);
  tcase_add_test (tc, test_connection_refused);
  tcase_add_test (tc, test_bad_url);
  tcase_add_test (tc, test_port_in_use);
  tcase_add_test (tc, test_peer_close);
  tcase_add_test (tc, test_oversize_message);
  tcase_add_test (tc, test_broadcast_two_clients);
  tcase_add_test (tc, test_connect_cycles);
  tcase_add_test (tc, test_new_property_defaults);
  tcase_add_test (tc, test_eos_on_shutdown);
  tcase_add_test (tc, test_reconnect_server_restart);
  tcase_add_test (tc, test_reconnect_refused);
  tcase_add_test (tc, test_reconnect_close_action);
  tcase_add_test (tc, test_keepalive_server_pings);
  tcase_add_test (tc, test_keepalive_idle_connection);
  tcase_add_test (tc, test_wss_to_plain_server);
  tcase_add_test (tc, test_max_clients);
  tcase_add_test (tc, test_auth_token_server);
  tcase_add_test (tc, test_auth_token_client);
  tcase_add_test (tc, test_request_bodies);
  tcase_add_test (tc, test_allowed_origins);
  tcase_add_test (tc, test_wss_server);
  tcase_add_test (tc, test_bad_tls_files);
  tcase_add_test (tc, test_security_property_defaults);
  tcase_add_test (tc, test_plain_link);
  tcase_add_test (tc, test_not_messages);
  return s;
}

int
main (int argc, char **argv)
{
  /* the tests only talk to 127.0.0.1; GIO's default (libproxy) resolver
   * unwinds C++ exceptions on a pool thread, which valgrind reports as
   * invalid reads in libunwind */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (rtcbotwebsocketbin_suite (),
      "rtcbotwebsocketbin", __FILE__);
}
