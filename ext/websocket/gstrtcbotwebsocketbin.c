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
 * `host`:`port` at `path`) that produces what it receives and sends what it
 * consumes.
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
 * * Server with `max-clients`: a rate-limited warning naming the client
 *   refused with HTTP 503.
 * * A rate-limited warning for each invalid JSON message.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 rtcbotwebsocketbin name=ws mode=server port=8080 \
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
#include <json-glib/json-glib.h>

#include "gstrtcbotwebsocketbin.h"
#include "gstrtcbotmissing.h"
#include "gstrtcbotwebsocketbinprivate.h"
#include "gstrtcbotauth.h"
#include "gstrtcbotcommon.h"

GST_DEBUG_CATEGORY (gst_rtcbot_websocket_bin_debug);

#define DEFAULT_PROP_MODE GST_RTCBOT_WEBSOCKET_MODE_CLIENT
#define DEFAULT_PROP_URL NULL
#define DEFAULT_PROP_HOST "127.0.0.1"
#define DEFAULT_PROP_PORT 8080
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
  PROP_HOST,
  PROP_PORT,
  PROP_BOUND_PORT,
  PROP_PATH,
  PROP_JSON,
  PROP_MAX_MESSAGE_SIZE,
  PROP_RECONNECT,
  PROP_RECONNECT_MIN,
  PROP_RECONNECT_MAX,
  PROP_KEEPALIVE_INTERVAL,
  PROP_TLS_VALIDATION,
  PROP_MAX_CLIENTS,
  PROP_REQUEST_TIMEOUT,
  PROP_AUTH_TOKEN,
  PROP_ALLOWED_ORIGINS,
  PROP_TLS_CERTIFICATE,
  PROP_TLS_KEY,
  PROP_INVALID_MESSAGES,
  PROP_READY,
  PROP_CLOSED,
  N_PROPS
};

enum
{
  SIGNAL_PUT,
  SIGNAL_PUT_STRING,
  SIGNAL_PUT_JSON,
  SIGNAL_GET,
  SIGNAL_CLOSE,
  LAST_SIGNAL
};

static GParamSpec *properties[N_PROPS];
static guint signals[LAST_SIGNAL];

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src_%u",
    GST_PAD_SRC, GST_PAD_REQUEST, GST_STATIC_CAPS (GST_RTCBOT_MESSAGE_CAPS));

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%u",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS (GST_RTCBOT_MESSAGE_CAPS));

#define gst_rtcbot_websocket_bin_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtcbotWebsocketBin, gst_rtcbot_websocket_bin,
    GST_TYPE_BIN,
    GST_DEBUG_CATEGORY_INIT (gst_rtcbot_websocket_bin_debug,
        "rtcbotwebsocketbin", 0, "RTCBot websocket client/server bin"));
GST_ELEMENT_REGISTER_DEFINE (rtcbotwebsocketbin, "rtcbotwebsocketbin",
    GST_RANK_NONE, GST_TYPE_RTCBOT_WEBSOCKET_BIN);

static void gst_rtcbot_websocket_bin_dispose (GObject * object);
static void gst_rtcbot_websocket_bin_finalize (GObject * object);
static void gst_rtcbot_websocket_bin_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_rtcbot_websocket_bin_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_rtcbot_websocket_bin_change_state (GstElement *
    element, GstStateChange transition);
static GstPad *gst_rtcbot_websocket_bin_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static gboolean gst_rtcbot_websocket_bin_send_event (GstElement * element,
    GstEvent * event);
static void gst_rtcbot_websocket_bin_release_pad (GstElement * element,
    GstPad * pad);
static void gst_rtcbot_websocket_bin_handle_message (GstBin * bin,
    GstMessage * message);

static GstFlowReturn gst_rtcbot_websocket_bin_put (GstRtcbotWebsocketBin *
    self, GstBuffer * buffer);
static GstFlowReturn gst_rtcbot_websocket_bin_put_string (GstRtcbotWebsocketBin
    * self, const gchar * string);
static GstFlowReturn gst_rtcbot_websocket_bin_put_json (GstRtcbotWebsocketBin *
    self, const gchar * json);
static GstSample *gst_rtcbot_websocket_bin_get (GstRtcbotWebsocketBin * self,
    guint64 timeout);
static void gst_rtcbot_websocket_bin_close (GstRtcbotWebsocketBin * self);


GType
gst_rtcbot_websocket_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RTCBOT_WEBSOCKET_MODE_CLIENT, "Connect to url", "client"},
    {GST_RTCBOT_WEBSOCKET_MODE_SERVER, "Listen on host:port at path",
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
  GstBinClass *bin_class = GST_BIN_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  gobject_class->dispose = gst_rtcbot_websocket_bin_dispose;
  gobject_class->finalize = gst_rtcbot_websocket_bin_finalize;
  gobject_class->set_property = gst_rtcbot_websocket_bin_set_property;
  gobject_class->get_property = gst_rtcbot_websocket_bin_get_property;

  /**
   * GstRtcbotWebsocketBin:mode:
   *
   * Client (connect to `url`) or server (listen on `host`:`port`).
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
   * GstRtcbotWebsocketBin:host:
   *
   * Server mode: the numeric IP address to listen on ("localhost" means
   * 127.0.0.1, "0.0.0.0" every IPv4 interface).
   *
   * Since: 0.1
   */
  properties[PROP_HOST] = g_param_spec_string ("host", "Host",
      "Server mode: IP address to listen on", DEFAULT_PROP_HOST,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebsocketBin:port:
   *
   * Server mode: the TCP port to listen on; 0 picks a free one, see
   * `bound-port`.
   *
   * Since: 0.1
   */
  properties[PROP_PORT] = g_param_spec_uint ("port", "Port",
      "Server mode: TCP port to listen on (0 = any free port)", 0, 65535,
      DEFAULT_PROP_PORT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY);

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
   * `max-clients` slot within 90 s by default.
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
   * GstRtcbotWebsocketBin:max-clients:
   *
   * Server mode: the most clients connected at once; 0 = no limit. A
   * client beyond it is refused with HTTP 503 (and a rate-limited warning);
   * the connected ones are not affected.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_CLIENTS] = g_param_spec_uint ("max-clients",
      "Max clients", "Server mode: most clients at once (0 = no limit)", 0,
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

  /**
   * GstRtcbotWebsocketBin:invalid-messages:
   *
   * How many messages were dropped because they were not valid JSON
   * (`json` TRUE), incoming and outgoing.
   *
   * Since: 0.1
   */
  properties[PROP_INVALID_MESSAGES] = g_param_spec_uint64 ("invalid-messages",
      "Invalid messages", "Messages dropped for not being valid JSON", 0,
      G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotWebsocketBin:ready:
   *
   * TRUE while the client connection is open or the server listens.
   *
   * Since: 0.1
   */
  properties[PROP_READY] = g_param_spec_boolean ("ready", "Ready",
      "The connection is open (client) or the server listens", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotWebsocketBin:closed:
   *
   * TRUE once closed by `close` or, in client mode, by the peer.
   *
   * Since: 0.1
   */
  properties[PROP_CLOSED] = g_param_spec_boolean ("closed", "Closed",
      "Closed by the application or the peer", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  /**
   * GstRtcbotWebsocketBin::put:
   * @rtcbotwebsocketbin: the element
   * @buffer: (transfer none): the message
   *
   * Sends @buffer (an `application/octet-stream` message: a binary frame
   * with `json` FALSE; with `json` TRUE it must hold JSON), after setting
   * the inner rtcbotsink's `active-pad` to NULL.
   *
   * Returns: GST_FLOW_OK when queued for sending, GST_FLOW_EOS when closed.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT] = g_signal_new_class_handler ("put", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_websocket_bin_put), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, GST_TYPE_BUFFER | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstRtcbotWebsocketBin::put-string:
   * @rtcbotwebsocketbin: the element
   * @string: UTF-8 text
   *
   * Sends @string as one text frame (with `json` TRUE it must be JSON).
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning for invalid UTF-8.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_STRING] = g_signal_new_class_handler ("put-string", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_websocket_bin_put_string), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotWebsocketBin::put-json:
   * @rtcbotwebsocketbin: the element
   * @json: a JSON document
   *
   * Validates @json and sends it as one text frame.
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning naming the parse error
   * for invalid JSON (nothing is sent).
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_JSON] = g_signal_new_class_handler ("put-json", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_websocket_bin_put_json), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotWebsocketBin::get:
   * @rtcbotwebsocketbin: the element
   * @timeout: nanoseconds to wait, GST_CLOCK_TIME_NONE to wait for ever
   *
   * Pulls the oldest received message from the application's default
   * subscription (created by the first `get`: messages received before it
   * are not kept).
   *
   * Returns: (transfer full) (nullable): the message with its caps, or NULL
   * on timeout, shutdown or once closed.
   *
   * Since: 0.1
   */
  signals[SIGNAL_GET] = g_signal_new_class_handler ("get", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_websocket_bin_get), NULL, NULL, NULL,
      GST_TYPE_SAMPLE, 1, G_TYPE_UINT64);

  /**
   * GstRtcbotWebsocketBin::close:
   * @rtcbotwebsocketbin: the element
   *
   * Closes every connection (code 1000), stops accepting new ones, posts
   * `rtcbot-closed` and ends the stream on the `src_%u` pads. Idempotent.
   *
   * Since: 0.1
   */
  signals[SIGNAL_CLOSE] = g_signal_new_class_handler ("close", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_websocket_bin_close), NULL, NULL, NULL,
      G_TYPE_NONE, 0);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_request_new_pad);
  element_class->release_pad =
      GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_release_pad);
  element_class->send_event =
      GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_send_event);
  bin_class->handle_message =
      GST_DEBUG_FUNCPTR (gst_rtcbot_websocket_bin_handle_message);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class, &sink_template);
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
  self->host = g_strdup (DEFAULT_PROP_HOST);
  self->port = DEFAULT_PROP_PORT;
  self->path = g_strdup (DEFAULT_PROP_PATH);
  self->json = DEFAULT_PROP_JSON;
  self->max_message_size = DEFAULT_PROP_MAX_MESSAGE_SIZE;
  self->reconnect = DEFAULT_PROP_RECONNECT;
  self->reconnect_min = DEFAULT_PROP_RECONNECT_MIN;
  self->reconnect_max = DEFAULT_PROP_RECONNECT_MAX;
  self->keepalive_interval = DEFAULT_PROP_KEEPALIVE_INTERVAL;
  self->tls_validation = DEFAULT_PROP_TLS_VALIDATION;
  self->max_clients = DEFAULT_PROP_MAX_CLIENTS;
  self->request_timeout = DEFAULT_PROP_REQUEST_TIMEOUT;

  /* a missing rtcbot plugin is reported when the bin starts */
  gst_rtcbot_message_bin_init (&self->messages, GST_BIN_CAST (self),
      G_CALLBACK (gst_rtcbot_websocket_bin_on_new_data), self);
}

static void
gst_rtcbot_websocket_bin_dispose (GObject * object)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (object);

  gst_rtcbot_message_bin_dispose (&self->messages, self);

  G_OBJECT_CLASS (parent_class)->dispose (object);
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
    case PROP_HOST:
      g_free (self->host);
      self->host = g_value_dup_string (value);
      break;
    case PROP_PORT:
      self->port = g_value_get_uint (value);
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
    case PROP_MAX_CLIENTS:
      self->max_clients = g_value_get_uint (value);
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
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
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
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, self->max_clients);
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
    case PROP_INVALID_MESSAGES:
      g_value_set_uint64 (value, self->invalid_messages);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    case PROP_CLOSED:
      g_value_set_boolean (value, self->closed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---------------------------------------------------------------------- */
/* lifecycle: ready / closed                                              */

void
gst_rtcbot_websocket_bin_post_structure (GstRtcbotWebsocketBin * self,
    GstStructure * s)
{
  gst_element_post_message (GST_ELEMENT_CAST (self),
      gst_message_new_element (GST_OBJECT_CAST (self), s));
}

void
gst_rtcbot_websocket_bin_set_ready (GstRtcbotWebsocketBin * self,
    gboolean ready)
{
  gboolean changed;

  GST_OBJECT_LOCK (self);
  ready = ready && !self->closed;
  changed = self->ready != ready;
  self->ready = ready;
  GST_OBJECT_UNLOCK (self);

  if (!changed)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  gst_rtcbot_websocket_bin_post_structure (self,
      gst_structure_new ("rtcbot-ready", "ready", G_TYPE_BOOLEAN, ready, NULL));
}

/* Marks the bin closed once and tells the inner elements; FALSE when it
 * already was. */
gboolean
gst_rtcbot_websocket_bin_mark_closed (GstRtcbotWebsocketBin * self,
    const gchar * reason)
{
  GST_OBJECT_LOCK (self);
  if (self->closed) {
    GST_OBJECT_UNLOCK (self);
    return FALSE;
  }
  GST_OBJECT_UNLOCK (self);

  gst_rtcbot_websocket_bin_set_ready (self, FALSE);

  GST_OBJECT_LOCK (self);
  if (self->closed) {
    GST_OBJECT_UNLOCK (self);
    return FALSE;
  }
  self->closed = TRUE;
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "closed: %s", reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
  gst_rtcbot_websocket_bin_post_structure (self,
      gst_structure_new ("rtcbot-closed", "reason", G_TYPE_STRING, reason,
          NULL));

  /* EOS to the subscribers; the outgoing side stops consuming */
  g_signal_emit_by_name (self->messages.src, "close");
  g_signal_emit_by_name (self->messages.sink, "close");
  return TRUE;
}

static gboolean
gst_rtcbot_websocket_bin_start (GstRtcbotWebsocketBin * self)
{
  WsRun *run = g_new0 (WsRun, 1);
  GError *error = NULL;
  guint bound_port;
  gboolean server;
  gchar *tls_certificate, *tls_key;

  if (self->messages.src == NULL || self->messages.sink == NULL)
    goto no_elements;

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
  run->max_clients = self->max_clients;
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
    gst_rtcbot_websocket_bin_set_ready (self, TRUE);
  }
  /* what was put before the start */
  gst_rtcbot_websocket_bin_on_new_data (self->messages.sink, self);
  return TRUE;

  /* ERRORS */
no_elements:
  {
    gst_rtcbot_post_missing_element (GST_ELEMENT_CAST (self), "rtcbotsrc");
    g_free (run);
    return FALSE;
  }
bad_certificate:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ, ("%s", error->message),
        (NULL));
    g_clear_error (&error);
    g_free (tls_certificate);
    g_free (tls_key);
    gst_rtcbot_websocket_bin_ws_run_free (run);
    return FALSE;
  }
bad_url:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("Could not connect to %s: invalid URL: %s",
            GST_STR_NULL (run->url), error->message), (NULL));
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
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not listen on %s:%u: %s", GST_STR_NULL (run->host),
              run->port, run->start_error->message),
          ("soup: %s", run->start_error->message));
    } else {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not connect to %s: %s", run->url,
              run->start_error->message), (NULL));
    }
    gst_rtcbot_websocket_bin_ws_run_free (run);
    return FALSE;
  }
}

static void
gst_rtcbot_websocket_bin_stop (GstRtcbotWebsocketBin * self)
{
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
  gst_rtcbot_websocket_bin_set_ready (self, FALSE);
}

static GstStateChangeReturn
gst_rtcbot_websocket_bin_change_state (GstElement * element,
    GstStateChange transition)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (element);
  GstStateChangeReturn ret;
  gboolean was_closed;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!gst_rtcbot_websocket_bin_start (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (ret == GST_STATE_CHANGE_FAILURE)
        gst_rtcbot_websocket_bin_stop (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* the inner elements are flushed now: nothing the soup thread does
       * can block on them */
      gst_rtcbot_websocket_bin_stop (self);
      GST_OBJECT_LOCK (self);
      was_closed = self->closed;
      self->closed = FALSE;
      GST_OBJECT_UNLOCK (self);
      if (was_closed)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
      break;
    default:
      break;
  }
  return ret;
}

/* ---------------------------------------------------------------------- */
/* pads, messages, actions                                                */

static GstPad *
gst_rtcbot_websocket_bin_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (element);

  return gst_rtcbot_message_bin_request_pad (&self->messages, element, templ,
      name);
}

/* An EOS sent to the bin (gst-launch-1.0 -e on Ctrl-C) ends both message
 * sides, so that the pipeline reaches EOS. */
static gboolean
gst_rtcbot_websocket_bin_send_event (GstElement * element, GstEvent * event)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (element);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS)
    return gst_rtcbot_message_bin_send_eos (&self->messages, element, event);
  return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
}

static void
gst_rtcbot_websocket_bin_release_pad (GstElement * element, GstPad * pad)
{
  gst_rtcbot_message_bin_release_pad (element, pad);
}

/* The inner elements' own ready/closed messages would be mistaken for the
 * bin's; the bin posts its own. */
static void
gst_rtcbot_websocket_bin_handle_message (GstBin * bin, GstMessage * message)
{
  GstRtcbotWebsocketBin *self = GST_RTCBOT_WEBSOCKET_BIN (bin);

  if (gst_rtcbot_message_bin_is_inner_lifecycle (&self->messages, message)) {
    gst_message_unref (message);
    return;
  }
  GST_BIN_CLASS (parent_class)->handle_message (bin, message);
}

static GstFlowReturn
gst_rtcbot_websocket_bin_put (GstRtcbotWebsocketBin * self, GstBuffer * buffer)
{
  return gst_rtcbot_message_bin_put (&self->messages, buffer);
}

static GstFlowReturn
gst_rtcbot_websocket_bin_put_string (GstRtcbotWebsocketBin * self,
    const gchar * string)
{
  return gst_rtcbot_message_bin_put_string (&self->messages, string);
}

static GstFlowReturn
gst_rtcbot_websocket_bin_put_json (GstRtcbotWebsocketBin * self,
    const gchar * json)
{
  return gst_rtcbot_message_bin_put_json (&self->messages, json);
}

static GstSample *
gst_rtcbot_websocket_bin_get (GstRtcbotWebsocketBin * self, guint64 timeout)
{
  return gst_rtcbot_message_bin_get (&self->messages, timeout);
}

static void
gst_rtcbot_websocket_bin_close (GstRtcbotWebsocketBin * self)
{
  if (self->messages.src == NULL)
    return;
  gst_rtcbot_websocket_bin_invoke_on_soup_thread (self,
      gst_rtcbot_websocket_bin_close_cb);
  gst_rtcbot_websocket_bin_mark_closed (self, "closed by the application");
}
