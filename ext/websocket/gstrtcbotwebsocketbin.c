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


/**
 * SECTION:element-rtcbotwebsocketbin
 * @title: rtcbotwebsocketbin
 * @see_also: rtcbotsrc, rtcbotsink
 *
 * RTCBot's `Websocket` as a bin: a websocket client (`mode=client`, the
 * default, connecting to `url`) or server (`mode=server`, listening on
 * `listen-host`:`listen-port` at `path`) that produces what it receives and
 * sends what it consumes.
 *
 * Incoming messages come out of the `src_%u` request pads, which are ghost
 * pads of an inner `rtcbotsrc`: every subscription gets every message, with
 * the same per-pad `policy`/`max-buffers` (set them on the target,
 * gst_ghost_pad_get_target()). The `get` action pulls them from the inner
 * rtcbotsrc's default subscription (created by the first `get`).
 *
 * Outgoing messages go into the `sink_%u` request pads, ghost pads of an
 * inner `rtcbotsink`, whose `active-pad` semantics apply (the first
 * requested pad is active), or are inserted with the `put`, `put-string`
 * and `put-json` actions. In client mode, what is put before the
 * connection is open is sent once it opens; in server mode every message
 * goes to every connected client (and is dropped while there is none).
 *
 * With `json` TRUE (the default) every message is JSON: incoming frames that
 * are valid JSON come out as `application/x-json`, outgoing messages are
 * validated and sent as text frames. An invalid message in either direction
 * is dropped with a warning naming the parse error and counted in
 * `invalid-messages`; the connection is kept. With `json` FALSE, text
 * frames map to `text/x-raw, format=utf8` and binary frames to
 * `application/octet-stream`, both ways.
 *
 * All libsoup objects live on one thread of the element with its own
 * #GMainContext; streaming and application threads only hand work to it.
 *
 * ## Bus messages
 *
 * * `rtcbot-ready` (element message): field `ready` (boolean). TRUE when
 *   the client connection is open (again after every reconnection) or the
 *   server listens, FALSE when it is lost or stops.
 * * `rtcbot-closed` (element message): field `reason` (string), with the
 *   close code and reason when the peer closed. Posted once; the `src_%u`
 *   pads then get EOS.
 * * `rtcbot-peer-connected`, `rtcbot-peer-closed` (element messages, server
 *   mode): fields `peer` (guint, an id unique in this run) and `address`
 *   (string, "ip:port" of the client).
 * * An error naming the URL or host:port and the cause when the client
 *   cannot connect (refused, DNS, HTTP status other than 101 such as 503,
 *   TLS) or the server cannot listen.
 * * With `reconnect` (client), instead of the error and of the end of
 *   stream: a rate-limited warning when the connection is lost or an
 *   attempt fails, naming the URL, the cause and the delay before the next
 *   attempt.
 * * Server with `max-peers`: a rate-limited warning naming the client
 *   refused with HTTP 503.
 * * A rate-limited warning for each invalid JSON message.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 rtcbotwebsocketbin name=ws mode=server listen-port=8080 \
 *     ws.src_0 ! fakesink dump=true
 * ]| A websocket server on ws://127.0.0.1:8080/ws that dumps every JSON
 * message a client sends.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <libsoup/soup.h>

#include "gstrtcbotwebsocketbin.h"
#include "gstrtcbotmissing.h"
#include "gstrtcbotwebsocketbinprivate.h"
#include "gstrtcbotauth.h"
#include "gstrtcbotcommon.h"

GST_DEBUG_CATEGORY (gst_rtcbot_websocket_bin_debug);

#define DEFAULT_PROP_MODE GST_RTCBOT_WEBSOCKET_MODE_CLIENT
#define DEFAULT_PROP_URL NULL
#define DEFAULT_PROP_LISTEN_HOST "127.0.0.1"
#define DEFAULT_PROP_LISTEN_PORT 8080
#define DEFAULT_PROP_PATH "/ws"
#define DEFAULT_PROP_JSON TRUE
#define DEFAULT_PROP_MAX_MESSAGE_SIZE (1024 * 1024)
#define DEFAULT_PROP_RECONNECT FALSE
#define DEFAULT_PROP_RECONNECT_MIN 500
#define DEFAULT_PROP_RECONNECT_MAX 30000
#define DEFAULT_PROP_KEEPALIVE_INTERVAL 30
#define DEFAULT_PROP_REQUEST_TIMEOUT 20
#define DEFAULT_PROP_TLS_VALIDATION TRUE
#define DEFAULT_PROP_MAX_CLIENTS 0

enum
{
  PROP_0,
  PROP_MODE,
  PROP_URL,
  PROP_LISTEN_HOST,
  PROP_LISTEN_PORT,
  PROP_BOUND_PORT,
  PROP_PATH,
  PROP_JSON,
  PROP_MAX_MESSAGE_SIZE,
  PROP_RECONNECT,
  PROP_RECONNECT_MIN,
  PROP_RECONNECT_MAX,
  PROP_KEEPALIVE_INTERVAL,
  PROP_TLS_VALIDATION,
  PROP_MAX_PEERS,
  PROP_REQUEST_TIMEOUT,
  PROP_AUTH_TOKEN,
  PROP_ALLOWED_ORIGINS,
  PROP_TLS_CERTIFICATE,
  PROP_TLS_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define gst_rtcbot_websocket_bin_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtcbotWebsocketBin, gst_rtcbot_websocket_bin,
    GST_TYPE_RTCBOT_BIN,
    GST_DEBUG_CATEGORY_INIT (gst_rtcbot_websocket_bin_debug,
        "rtcbotwebsocketbin", 0, "RTCBot websocket client/server bin"));
GST_ELEMENT_REGISTER_DEFINE (rtcbotwebsocketbin, "rtcbotwebsocketbin",
    GST_RANK_NONE, GST_TYPE_RTCBOT_WEBSOCKET_BIN);

static void gst_rtcbot_websocket_bin_finalize (GObject * object);
static void gst_rtcbot_websocket_bin_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_rtcbot_websocket_bin_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static gboolean gst_rtcbot_websocket_bin_start (GstRtcbotBin * bin);
static void gst_rtcbot_websocket_bin_stop (GstRtcbotBin * bin);
static void gst_rtcbot_websocket_bin_close (GstRtcbotBin * bin);


GType
gst_rtcbot_websocket_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RTCBOT_WEBSOCKET_MODE_CLIENT, "Connect to url", "client"},
    {GST_RTCBOT_WEBSOCKET_MODE_SERVER,
          "Listen on listen-host:listen-port at path",
        "server"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstRtcbotWebsocketMode", values);

    g_once_init_leave (&type, t);
  }
  return type;
}

static void
gst_rtcbot_websocket_bin_class_init (GstRtcbotWebsocketBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstRtcbotBinClass *rtcbot_bin_class = GST_RTCBOT_BIN_CLASS (klass);

  gobject_class->finalize = gst_rtcbot_websocket_bin_finalize;
  gobject_class->set_property = gst_rtcbot_websocket_bin_set_property;
  gobject_class->get_property = gst_rtcbot_websocket_bin_get_property;

  /**
   * GstRtcbotWebsocketBin:mode:
   *
   * Client (connect to `url`) or server (listen on `listen-host`:`listen-port`).
   * Read when going from READY to PAUSED.
   *
   * Since: 0.1
   */
  properties[PROP_MODE] = g_param_spec_enum ("mode", "Mode",
      "Client or server", GST_TYPE_RTCBOT_WEBSOCKET_MODE, DEFAULT_PROP_MODE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:url:
   *
   * Client mode: the server to connect to. ws://, wss://, and (as RTCBot
   * accepts them) http:// and https://, which mean ws:// and wss://.
   *
   * Since: 0.1
   */
  properties[PROP_URL] = g_param_spec_string ("url", "URL",
      "Client mode: websocket URL to connect to (ws, wss, http, https)",
      DEFAULT_PROP_URL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:listen-host:
   *
   * Server mode: the numeric IP address to listen on ("localhost" means
   * 127.0.0.1, "0.0.0.0" every IPv4 interface).
   *
   * Since: 0.1
   */
  properties[PROP_LISTEN_HOST] =
      g_param_spec_string ("listen-host", "Listen host",
      "Server mode: IP address to listen on", DEFAULT_PROP_LISTEN_HOST,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:listen-port:
   *
   * Server mode: the TCP port to listen on; 0 picks a free one, see
   * `bound-port`.
   *
   * Since: 0.1
   */
  properties[PROP_LISTEN_PORT] =
      g_param_spec_int ("listen-port", "Listen port",
      "Server mode: TCP port to listen on (0 = any free port)", 0, 65535,
      DEFAULT_PROP_LISTEN_PORT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:bound-port:
   *
   * Server mode: the port actually listening, known once the element is
   * PAUSED; 0 before.
   *
   * Since: 0.1
   */
  properties[PROP_BOUND_PORT] = g_param_spec_uint ("bound-port",
      "Bound port", "Server mode: the port actually listening", 0, 65535, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotWebsocketBin:path:
   *
   * Server mode: the path websocket clients connect to.
   *
   * Since: 0.1
   */
  properties[PROP_PATH] = g_param_spec_string ("path", "Path",
      "Server mode: path of the websocket endpoint", DEFAULT_PROP_PATH,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:json:
   *
   * TRUE: every message is JSON (sent as text frames, received as
   * `application/x-json`, invalid ones dropped and counted). FALSE: text
   * frames are `text/x-raw, format=utf8`, binary frames
   * `application/octet-stream`.
   *
   * Since: 0.1
   */
  properties[PROP_JSON] = g_param_spec_boolean ("json", "JSON",
      "Messages are JSON documents", DEFAULT_PROP_JSON,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:max-message-size:
   *
   * Largest incoming message in bytes (libsoup's own default is 128 KiB);
   * 0 = no limit. libsoup closes a connection that sends a larger one with
   * code 1009.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_MESSAGE_SIZE] = g_param_spec_uint64 ("max-message-size",
      "Max message size", "Largest incoming message in bytes (0 = no limit)",
      0, G_MAXUINT64, DEFAULT_PROP_MAX_MESSAGE_SIZE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:reconnect:
   *
   * Client mode: when the connection cannot be opened or is lost (peer
   * close, network error), post a rate-limited warning and try again after
   * `reconnect-min` ms, doubling the delay after every failed attempt up to
   * `reconnect-max` ms. Each successful connection posts `rtcbot-ready`
   * (ready TRUE); while disconnected `ready` is FALSE and what is put stays
   * in the outgoing queue (its policy applies) until the next connection.
   * Without it, a failure to connect is an error and a peer close ends the
   * stream.
   *
   * Since: 0.1
   */
  properties[PROP_RECONNECT] = g_param_spec_boolean ("reconnect", "Reconnect",
      "Client mode: reconnect with exponential backoff instead of failing "
      "or ending the stream", DEFAULT_PROP_RECONNECT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:reconnect-min:
   *
   * Client mode with `reconnect`: milliseconds before the first attempt to
   * reconnect, and again after every successful connection.
   *
   * Since: 0.1
   */
  properties[PROP_RECONNECT_MIN] = g_param_spec_uint ("reconnect-min",
      "Reconnect min", "Client mode: first reconnection delay (ms)", 1,
      G_MAXINT, DEFAULT_PROP_RECONNECT_MIN,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:reconnect-max:
   *
   * Client mode with `reconnect`: the longest delay between two attempts
   * in milliseconds (the delay doubles from `reconnect-min` up to this).
   *
   * Since: 0.1
   */
  properties[PROP_RECONNECT_MAX] = g_param_spec_uint ("reconnect-max",
      "Reconnect max", "Client mode: longest reconnection delay (ms)", 1,
      G_MAXINT, DEFAULT_PROP_RECONNECT_MAX,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:keepalive-interval:
   *
   * Seconds between the pings sent on every connection (both modes), so
   * that idle connections stay open through NATs and proxies and a dead
   * peer is noticed; 0 = no pings. In server mode a client that answers
   * nothing (no pong, no message) for three intervals is disconnected: a
   * peer that vanished without closing (power cut, Wi-Fi gone) frees its
   * `max-peers` slot within 90 s by default.
   *
   * Since: 0.1
   */
  properties[PROP_KEEPALIVE_INTERVAL] =
      g_param_spec_uint ("keepalive-interval", "Keepalive interval",
      "Seconds between pings on every connection (0 = off)", 0, G_MAXUINT,
      DEFAULT_PROP_KEEPALIVE_INTERVAL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:tls-validation:
   *
   * Client mode, wss:// URLs: check the server's certificate against the
   * system CAs (TRUE). FALSE accepts any certificate (self-signed, expired,
   * wrong host): for testing only.
   *
   * Since: 0.1
   */
  properties[PROP_TLS_VALIDATION] = g_param_spec_boolean ("tls-validation",
      "TLS validation",
      "Client mode: reject untrusted server certificates (FALSE: for testing)",
      DEFAULT_PROP_TLS_VALIDATION,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:max-peers:
   *
   * Server mode: the most clients connected at once; 0 = no limit. A
   * client beyond it is refused with HTTP 503 (and a rate-limited warning);
   * the connected ones are not affected.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_PEERS] = g_param_spec_uint ("max-peers",
      "Max peers", "Server mode: most clients at once (0 = no limit)", 0,
      G_MAXUINT, DEFAULT_PROP_MAX_CLIENTS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:request-timeout:
   *
   * Server mode: seconds a client has to send its whole HTTP request (the
   * websocket upgrade) after connecting, and the longest a read or write
   * of a request or response may wait. Connections that stay idle or
   * trickle their request (slowloris) are closed, so they cannot exhaust
   * the process's file descriptors. 0 = no limit.
   *
   * Since: 0.1
   */
  properties[PROP_REQUEST_TIMEOUT] = g_param_spec_uint ("request-timeout",
      "Request timeout", "Server mode: seconds a client has to send its "
      "whole request (0 = no limit)", 0, G_MAXUINT,
      DEFAULT_PROP_REQUEST_TIMEOUT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:auth-token:
   *
   * Server mode: when set, a client must present this token, as
   * `Authorization: Bearer <token>` or as a `token` query parameter of the
   * URL (`ws://host:port/ws?token=...`, for browsers, whose WebSocket API
   * cannot set headers); others are refused with HTTP 401. The comparison
   * takes the same time wherever the tokens differ. NULL: no token needed.
   *
   * Client mode: when set, sent as `Authorization: Bearer <token>`.
   *
   * The token is never logged. Use TLS (#GstRtcbotWebsocketBin:tls-certificate)
   * or a trusted network: on plain ws:// anyone on the path can read it.
   *
   * Since: 0.1
   */
  properties[PROP_AUTH_TOKEN] = g_param_spec_string ("auth-token",
      "Auth token", "Server: token clients must present (Bearer or ?token=); "
      "client: token sent as Bearer (NULL = none)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:allowed-origins:
   *
   * Server mode: comma-separated origins (`https://robot.example:8443`,
   * `*` for any) whose pages may connect. A websocket request that carries
   * an `Origin` header not in the list is refused with HTTP 403; requests
   * without `Origin` (programs rather than browsers) are not affected.
   * NULL: any origin.
   *
   * Since: 0.1
   */
  properties[PROP_ALLOWED_ORIGINS] = g_param_spec_string ("allowed-origins",
      "Allowed origins", "Server: comma-separated origins whose pages may "
      "connect (NULL = any)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:tls-certificate:
   *
   * Server mode: a PEM certificate file (chain allowed); with it the server
   * speaks wss:// only. The key is read from #GstRtcbotWebsocketBin:tls-key,
   * or from this file when that is NULL. A file that cannot be loaded is an
   * error, naming the file, when going to PAUSED.
   *
   * Since: 0.1
   */
  properties[PROP_TLS_CERTIFICATE] = g_param_spec_string ("tls-certificate",
      "TLS certificate", "Server: PEM certificate file, enables wss:// "
      "(NULL = plain ws://)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:tls-key:
   *
   * Server mode: the PEM private key file of
   * #GstRtcbotWebsocketBin:tls-certificate (NULL: in the certificate's
   * file).
   *
   * Since: 0.1
   */
  properties[PROP_TLS_KEY] = g_param_spec_string ("tls-key", "TLS key",
      "Server: PEM private key file of tls-certificate", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  rtcbot_bin_class->start = GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_start);
  rtcbot_bin_class->stop = GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_stop);
  rtcbot_bin_class->send = GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_send);
  rtcbot_bin_class->close = GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_close);
  gst_rtcbot_bin_class_add_message_pad_templates (rtcbot_bin_class);

  gst_element_class_set_static_metadata (element_class,
      "RTCBot websocket", "Source/Sink/Network",
      "Websocket client or server: produces the messages it receives and "
      "sends the messages it consumes", "gst-rtcbot developers");

  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_WEBSOCKET_MODE, 0);
}

static void
gst_rtcbot_websocket_bin_init (GstRtcbotWebsocketBin * self)
{
  self->mode = DEFAULT_PROP_MODE;
  self->url = g_strdup (DEFAULT_PROP_URL);
  self->host = g_strdup (DEFAULT_PROP_LISTEN_HOST);
  self->port = DEFAULT_PROP_LISTEN_PORT;
  self->path = g_strdup (DEFAULT_PROP_PATH);
  self->json = DEFAULT_PROP_JSON;
  self->max_message_size = DEFAULT_PROP_MAX_MESSAGE_SIZE;
  self->reconnect = DEFAULT_PROP_RECONNECT;
  self->reconnect_min = DEFAULT_PROP_RECONNECT_MIN;
  self->reconnect_max = DEFAULT_PROP_RECONNECT_MAX;
  self->keepalive_interval = DEFAULT_PROP_KEEPALIVE_INTERVAL;
  self->tls_validation = DEFAULT_PROP_TLS_VALIDATION;
  self->max_peers = DEFAULT_PROP_MAX_CLIENTS;
  self->request_timeout = DEFAULT_PROP_REQUEST_TIMEOUT;
}

static void
gst_rtcbot_websocket_bin_finalize (GObject * object)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (object);

  g_free (self->url);
  g_free (self->host);
  g_free (self->path);
  g_free (self->auth_token);
  g_free (self->allowed_origins);
  g_free (self->tls_certificate);
  g_free (self->tls_key);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_rtcbot_websocket_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;
    case PROP_URL:
      g_free (self->url);
      self->url = g_value_dup_string (value);
      break;
    case PROP_LISTEN_HOST:
      g_free (self->host);
      self->host = g_value_dup_string (value);
      break;
    case PROP_LISTEN_PORT:
      self->port = g_value_get_int (value);
      break;
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    case PROP_JSON:
      self->json = g_value_get_boolean (value);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      self->max_message_size = g_value_get_uint64 (value);
      break;
    case PROP_RECONNECT:
      self->reconnect = g_value_get_boolean (value);
      break;
    case PROP_RECONNECT_MIN:
      self->reconnect_min = g_value_get_uint (value);
      break;
    case PROP_RECONNECT_MAX:
      self->reconnect_max = g_value_get_uint (value);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      self->keepalive_interval = g_value_get_uint (value);
      break;
    case PROP_TLS_VALIDATION:
      self->tls_validation = g_value_get_boolean (value);
      break;
    case PROP_MAX_PEERS:
      self->max_peers = g_value_get_uint (value);
      break;
    case PROP_REQUEST_TIMEOUT:
      self->request_timeout = g_value_get_uint (value);
      break;
    case PROP_AUTH_TOKEN:
      g_free (self->auth_token);
      self->auth_token = g_value_dup_string (value);
      break;
    case PROP_ALLOWED_ORIGINS:
      g_free (self->allowed_origins);
      self->allowed_origins = g_value_dup_string (value);
      break;
    case PROP_TLS_CERTIFICATE:
      g_free (self->tls_certificate);
      self->tls_certificate = g_value_dup_string (value);
      break;
    case PROP_TLS_KEY:
      g_free (self->tls_key);
      self->tls_key = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_rtcbot_websocket_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_LISTEN_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_LISTEN_PORT:
      g_value_set_int (value, self->port);
      break;
    case PROP_BOUND_PORT:
      g_value_set_uint (value, self->bound_port);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_JSON:
      g_value_set_boolean (value, self->json);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint64 (value, self->max_message_size);
      break;
    case PROP_RECONNECT:
      g_value_set_boolean (value, self->reconnect);
      break;
    case PROP_RECONNECT_MIN:
      g_value_set_uint (value, self->reconnect_min);
      break;
    case PROP_RECONNECT_MAX:
      g_value_set_uint (value, self->reconnect_max);
      break;
    case PROP_KEEPALIVE_INTERVAL:
      g_value_set_uint (value, self->keepalive_interval);
      break;
    case PROP_TLS_VALIDATION:
      g_value_set_boolean (value, self->tls_validation);
      break;
    case PROP_MAX_PEERS:
      g_value_set_uint (value, self->max_peers);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    case PROP_AUTH_TOKEN:
      g_value_set_string (value, self->auth_token);
      break;
    case PROP_ALLOWED_ORIGINS:
      g_value_set_string (value, self->allowed_origins);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_string (value, self->tls_certificate);
      break;
    case PROP_TLS_KEY:
      g_value_set_string (value, self->tls_key);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_rtcbot_websocket_bin_start (GstRtcbotBin * bin)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (bin);
  WsRun *run = g_new0 (WsRun, 1);
  GError *error = NULL;
  guint bound_port;
  gboolean server;
  gchar *tls_certificate, *tls_key;

  GST_OBJECT_LOCK (self);
  run->self = self;
  run->mode = self->mode;
  run->url = g_strdup (self->url);
  run->host = g_strdup (self->host);
  run->port = self->port;
  run->path = g_strdup (self->path ? self->path : DEFAULT_PROP_PATH);
  run->json = self->json;
  run->max_message_size = self->max_message_size;
  run->reconnect = self->reconnect;
  run->reconnect_min = self->reconnect_min;
  run->reconnect_max = MAX (self->reconnect_max, self->reconnect_min);
  run->keepalive_interval = self->keepalive_interval;
  run->tls_validation = self->tls_validation;
  run->max_peers = self->max_peers;
  run->request_timeout = self->request_timeout;
  run->auth_token = g_strdup (self->auth_token);
  run->allowed_origins = g_strdup (self->allowed_origins);
  tls_certificate = g_strdup (self->tls_certificate);
  tls_key = g_strdup (self->tls_key);
  GST_OBJECT_UNLOCK (self);
  run->backoff = run->reconnect_min;

  g_mutex_init (&run->lock);
  g_cond_init (&run->cond);
  run->context = g_main_context_new ();
  run->loop = g_main_loop_new (run->context, FALSE);
  run->drain_source =
      g_source_new (&gst_rtcbot_websocket_bin_drain_source_funcs,
      sizeof (GSource));
  g_source_set_priority (run->drain_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (run->drain_source, gst_rtcbot_websocket_bin_drain_cb,
      run, NULL);
  g_source_set_ready_time (run->drain_source, -1);
  g_source_attach (run->drain_source, run->context);
  server = run->mode == GST_RTCBOT_WEBSOCKET_MODE_SERVER;

  if (server && tls_certificate) {
    run->tls = gst_rtcbot_auth_load_certificate (tls_certificate, tls_key,
        &error);
    if (run->tls == NULL)
      goto bad_certificate;
  }
  g_free (tls_certificate);
  g_free (tls_key);

  if (!server
      && (run->uri =
          gst_rtcbot_websocket_bin_parse_url (run->url, &error)) == NULL)
    goto bad_url;

  g_atomic_int_set (&self->drain_pending, 0);
  GST_OBJECT_LOCK (self);
  self->run = run;
  GST_OBJECT_UNLOCK (self);

  run->thread =
      g_thread_new ("rtcbotwebsocket", gst_rtcbot_websocket_bin_soup_thread,
      run);
  g_mutex_lock (&run->lock);
  while (run->start_state == START_PENDING)
    g_cond_wait (&run->cond, &run->lock);
  g_mutex_unlock (&run->lock);
  if (run->start_state == START_FAILED)
    goto start_failed;

  GST_OBJECT_LOCK (self);
  bound_port = self->bound_port = run->bound_port;
  GST_OBJECT_UNLOCK (self);
  if (server) {
    GST_INFO_OBJECT (self, "listening on %s://%s:%u%s", run->tls ? "wss" :
        "ws", run->host, bound_port, run->path);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_PORT]);
    gst_rtcbot_bin_set_ready (bin, TRUE);
  }
  /* what was put before the start */
  gst_rtcbot_websocket_bin_send (bin);
  return TRUE;

  /* ERRORS */
bad_certificate:
  {
    GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, SETTINGS, error,
        ("%s", error->message));
    g_clear_error (&error);
    g_free (tls_certificate);
    g_free (tls_key);
    gst_rtcbot_websocket_bin_ws_run_free (run);
    return FALSE;
  }
bad_url:
  {
    GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, SETTINGS, error,
        ("Could not connect to %s: invalid URL: %s",
            GST_STR_NULL (run->url), error->message));
    g_clear_error (&error);
    gst_rtcbot_websocket_bin_ws_run_free (run);
    return FALSE;
  }
start_failed:
  {
    g_thread_join (run->thread);
    GST_OBJECT_LOCK (self);
    self->run = NULL;
    GST_OBJECT_UNLOCK (self);
    if (server) {
      GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, OPEN_READ_WRITE,
          run->start_error, ("Could not listen on %s:%u: %s",
              GST_STR_NULL (run->host), run->port, run->start_error->message));
    } else {
      GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, OPEN_READ_WRITE,
          run->start_error, ("Could not connect to %s: %s", run->url,
              run->start_error->message));
    }
    gst_rtcbot_websocket_bin_ws_run_free (run);
    return FALSE;
  }
}

/* after the children: the inner elements are flushed, so nothing the soup
 * thread does can block on them */
static void
gst_rtcbot_websocket_bin_stop (GstRtcbotBin * bin)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (bin);
  WsRun *run;

  GST_OBJECT_LOCK (self);
  run = self->run;
  GST_OBJECT_UNLOCK (self);
  if (run == NULL)
    return;

  g_main_loop_quit (run->loop);
  g_thread_join (run->thread);

  GST_OBJECT_LOCK (self);
  self->run = NULL;
  self->bound_port = 0;
  GST_OBJECT_UNLOCK (self);
  gst_rtcbot_websocket_bin_ws_run_free (run);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_PORT]);
}

/* the bin is marked closed: every connection ends with code 1000 and no
 * new one is accepted */
static void
gst_rtcbot_websocket_bin_close (GstRtcbotBin * bin)
{
  gst_rtcbot_websocket_bin_invoke_on_soup_thread (GST_RTCBOT_WEBSOCKET_BIN
      (bin), gst_rtcbot_websocket_bin_close_cb);
}
