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
 * SECTION:element-rtcbotwebrtcbin
 * @title: rtcbotwebrtcbin
 * @see_also: webrtcbin, rtcbotsrc, rtcbotsink, rtcbotwebsocketbin
 *
 * RTCBot's `RTCConnection` on webrtcbin: video and audio plus a JSON data
 * channel between a robot and a browser (or another RTCBot program),
 * speaking RTCBot's wire protocol: offer and answer as JSON
 * `{"type", "sdp"}` with every ICE candidate inside (no trickle), an
 * ordered data channel labelled `default` created by the offerer and
 * carrying JSON text, and `POST /connect` taking an offer and answering.
 *
 * Messages received on `default` come out of the `src_%u` request pads
 * (ghost pads of an inner `rtcbotsrc` named `incoming`: every subscription
 * gets every message, with its own `policy`/`max-buffers`) and from the
 * `get` action. Messages to send go into `sink_%u` (ghost pads of an inner
 * `rtcbotsink` named `outgoing`, whose `active-pad` rules apply) or the
 * `put*` actions; they are sent on every open `default` channel, and wait
 * in the outgoing queue (`outgoing::max-buffers`, `fifo` 64 by default)
 * while no channel is open.
 *
 * Media to send goes into `video_sink_%u` / `audio_sink_%u`: raw video is
 * encoded once (VP8 by default, or whatever `video-encoder` describes) and
 * raw audio into Opus; VP8, H.264 and Opus are taken as they are. The
 * encoded stream fans out to every peer (a keyframe is requested when a
 * peer joins); while there is no peer nothing is encoded. Media a peer sends comes out decoded on `video_src_%u` /
 * `audio_src_%u` sometimes pads.
 *
 * Signalling is built in: with `listen-port` set, an HTTP server on
 * `listen-host` answers `POST /connect` (every request is a new peer),
 * serves a demo page on `GET /` (or the files of `web-root`) and the
 * browser client `GET /rtcbot.js`. With `connect-url` set, the element
 * offers to that RTCBot-style server when it starts. The `create-offer`,
 * `create-answer` and `set-remote-description` actions serve applications
 * that carry the descriptions themselves.
 *
 * ## Bus messages
 *
 * * `rtcbot-ready` (element message): field `ready` (boolean). TRUE when a
 *   `default` data channel opens while none was; FALSE when the last one
 *   closes.
 * * `rtcbot-closed` (element message): field `reason` (string). Posted
 *   when the last connection goes away (with `connect-url`: the
 *   connection; the element then stays closed and its `src_%u` pads get
 *   EOS) and on `close`.
 * * `rtcbot-peer-connected`, `rtcbot-peer-closed` (element messages):
 *   fields `peer` (guint, unique in this run) and `address` (string: the
 *   HTTP client's "ip:port", the `connect-url`, or "application").
 * * `rtcbot-peer-stats` (element message), about once a second for each
 *   peer that is sent media, and what `get-peer-stats` returns: `peer`
 *   (guint), `estimate` (guint, bit/s: the peer's bandwidth estimate),
 *   `feedback` (string: "transport-cc", "remb", "receiver-reports" or
 *   "none"), `sent-bitrate` and `acked-bitrate` (guint, bit/s),
 *   `delay-based`, `loss-based` and `remb` (guint, bit/s: the estimates
 *   whose smallest is `estimate`, 0 for none yet), `delay-signal` (string:
 *   "normal", "overuse" or "underuse"), `loss` (gdouble, 0–1), `rtt`
 *   (guint64, ns), `encoder-bitrate` (guint, bit/s: the encoder of the
 *   peer's video layer), `layer` (gint: the layer of the video ladder the
 *   peer is sent, 0 = the full picture) and `layers` (gint: how many run),
 *   `level` (gint, 0–4: full, half frame rate, half size, half size at
 *   half frame rate, quarter size), `width`, `height` (gint) and
 *   `framerate` (fraction) of the video as sent.
 * * An error when the HTTP server cannot listen (naming host:port), when
 *   the `connect-url` server cannot be reached or answers badly, and when
 *   the connection made with `connect-url` fails (naming the ICE state).
 * * A warning for each malformed `/connect` request (answered with HTTP 400
 *   and the same text), each peer refused by `max-peers` (HTTP 503), a
 *   failed peer connection, and rate-limited, each invalid JSON message.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! rtcbotwebrtcbin name=w \
 *     listen-port=8080 w.src_0 ! fakesink dump=true
 * ]| Serves http://127.0.0.1:8080/: the browser shows the test video and
 * every key pressed there is dumped.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "gstrtcbotmissing.h"
#include "gstrtcbotwebrtcbinprivate.h"
#include "gstrtcbotjson.h"

GST_DEBUG_CATEGORY (gst_rtcbot_webrtc_bin_debug);

#define DEFAULT_PROP_LISTEN_PORT -1
#define DEFAULT_PROP_LISTEN_HOST "127.0.0.1"
/* A real-time rate control: a 1 s client buffer (libvpx's 6 s default
 * lets the encoder spend seconds of credit after its bitrate is cut, when
 * the link has just shrunk), little overshoot and keyframes of at most
 * 9 average frames (libwebrtc's settings for VP8). */
#define DEFAULT_PROP_VIDEO_ENCODER "vp8enc deadline=1 cpu-used=8 " \
    "lag-in-frames=0 keyframe-max-dist=300 end-usage=cbr " \
    "target-bitrate=1500000 error-resilient=partitions buffer-size=1000 " \
    "buffer-initial-size=500 buffer-optimal-size=600 overshoot=15 " \
    "max-intra-bitrate=900"
#define DEFAULT_PROP_LATENCY 50
#define DEFAULT_PROP_MAX_PEERS 0
#define DEFAULT_PROP_CONGESTION_CONTROL GST_RTCBOT_CONGESTION_CONTROL_ADAPTIVE
#define DEFAULT_PROP_MIN_BITRATE 100000
#define DEFAULT_PROP_MAX_BITRATE 1500000
#define DEFAULT_PROP_START_BITRATE 800000
#define DEFAULT_PROP_REQUEST_TIMEOUT 20
#define DEFAULT_PROP_GATHER_TIMEOUT 5000
#define DEFAULT_PROP_TLS_VALIDATION TRUE
/* at most one invalid-message warning per this interval */
#define WARNING_INTERVAL_US (1 * G_USEC_PER_SEC)
#define EXCERPT_BYTES 32
/* how long an offer waits for the inputs' first caps */
#define INPUTS_TIMEOUT_US (3 * G_USEC_PER_SEC)
/* how fast the video bitrate may rise: half again each second */
#define ENCODER_RAMP_PER_SECOND 1.5
/* a peer moves between video layers at most this often: each move costs
 * a keyframe */
#define LAYER_MOVE_INTERVAL_US (2 * G_USEC_PER_SEC)

enum
{
  PROP_0,
  PROP_LISTEN_PORT,
  PROP_LISTEN_HOST,
  PROP_BOUND_PORT,
  PROP_WEB_ROOT,
  PROP_CONNECT_URL,
  PROP_VIDEO_ENCODER,
  PROP_STUN_SERVER,
  PROP_TURN_SERVER,
  PROP_LATENCY,
  PROP_MAX_PEERS,
  PROP_REQUEST_TIMEOUT,
  PROP_GATHER_TIMEOUT,
  PROP_AUTH_TOKEN,
  PROP_ALLOWED_ORIGINS,
  PROP_TLS_CERTIFICATE,
  PROP_TLS_KEY,
  PROP_TLS_VALIDATION,
  PROP_PEERS,
  PROP_CONGESTION_CONTROL,
  PROP_MIN_BITRATE,
  PROP_MAX_BITRATE,
  PROP_START_BITRATE,
  N_PROPS
};

enum
{
  SIGNAL_CREATE_OFFER,
  SIGNAL_CREATE_ANSWER,
  SIGNAL_SET_REMOTE_DESCRIPTION,
  SIGNAL_GET_PEER_STATS,
  LAST_SIGNAL
};

static GParamSpec *properties[N_PROPS];
static guint signals[LAST_SIGNAL];

/**
 * GstRtcbotWebrtcBin!video_sink_%u:
 *
 * Video to send to every peer. Raw video is encoded once with
 * `video-encoder` (and again at lower bitrates only while a peer's link
 * needs it); VP8 and H.264 are sent as they are.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate video_sink_template =
    GST_STATIC_PAD_TEMPLATE ("video_sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("video/x-raw; video/x-vp8; "
        "video/x-h264, stream-format = (string) { avc, byte-stream }"));
/**
 * GstRtcbotWebrtcBin!audio_sink_%u:
 *
 * Audio to send to every peer: raw audio is encoded once into Opus
 * (`opusenc`); Opus is sent as it is.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate audio_sink_template =
    GST_STATIC_PAD_TEMPLATE ("audio_sink_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("audio/x-raw; audio/x-opus"));
/**
 * GstRtcbotWebrtcBin!video_src_%u:
 *
 * Video a peer sends, decoded: one pad per stream per peer, added while
 * PLAYING and removed when that peer goes.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate video_src_template =
GST_STATIC_PAD_TEMPLATE ("video_src_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("video/x-raw"));
/**
 * GstRtcbotWebrtcBin!audio_src_%u:
 *
 * Audio a peer sends, decoded: one pad per stream per peer, added while
 * PLAYING and removed when that peer goes.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate audio_src_template =
GST_STATIC_PAD_TEMPLATE ("audio_src_%u", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("audio/x-raw"));

static GstStructure *gst_rtcbot_webrtc_bin_get_peer_stats (GstRtcbotWebrtcBin
    * self, guint peer_id);
static void set_bitrate_limit (GstRtcbotWebrtcBin * self, guint prop_id,
    guint bitrate);

G_DEFINE_ENUM_TYPE (GstRtcbotCongestionControl, gst_rtcbot_congestion_control,
    G_DEFINE_ENUM_VALUE (GST_RTCBOT_CONGESTION_CONTROL_NONE, "none"),
    G_DEFINE_ENUM_VALUE (GST_RTCBOT_CONGESTION_CONTROL_ADAPTIVE, "adaptive"));

G_DEFINE_TYPE_WITH_CODE (GstRtcbotWebrtcBin, gst_rtcbot_webrtc_bin,
    GST_TYPE_RTCBOT_BIN, GST_DEBUG_CATEGORY_INIT (gst_rtcbot_webrtc_bin_debug,
        "rtcbotwebrtcbin", 0, "RTCBot RTCConnection on webrtcbin"));
#define parent_class gst_rtcbot_webrtc_bin_parent_class
GST_ELEMENT_REGISTER_DEFINE (rtcbotwebrtcbin, "rtcbotwebrtcbin",
    GST_RANK_NONE, GST_TYPE_RTCBOT_WEBRTC_BIN);

static void gst_rtcbot_webrtc_bin_dispose (GObject * object);
static void gst_rtcbot_webrtc_bin_finalize (GObject * object);
static void gst_rtcbot_webrtc_bin_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_rtcbot_webrtc_bin_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_rtcbot_webrtc_bin_change_state (GstElement *
    element, GstStateChange transition);
static GstPad *gst_rtcbot_webrtc_bin_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static gboolean gst_rtcbot_webrtc_bin_send_event (GstElement * element,
    GstEvent * event);
static void gst_rtcbot_webrtc_bin_release_pad (GstElement * element,
    GstPad * pad);
static void gst_rtcbot_webrtc_bin_handle_message (GstBin * bin,
    GstMessage * message);
static gboolean gst_rtcbot_webrtc_bin_start (GstRtcbotBin * bin);
static void gst_rtcbot_webrtc_bin_stop (GstRtcbotBin * bin);
static void gst_rtcbot_webrtc_bin_send (GstRtcbotBin * bin);
static void gst_rtcbot_webrtc_bin_close (GstRtcbotBin * bin);
static gchar *gst_rtcbot_webrtc_bin_create_offer (GstRtcbotWebrtcBin * self);
static gchar *gst_rtcbot_webrtc_bin_create_answer (GstRtcbotWebrtcBin * self,
    const gchar * offer);
static gboolean gst_rtcbot_webrtc_bin_set_remote_description
    (GstRtcbotWebrtcBin * self, const gchar * description);

static void
gst_rtcbot_webrtc_bin_class_init (GstRtcbotWebrtcBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);
  GstRtcbotBinClass *rtcbot_bin_class = GST_RTCBOT_BIN_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  gobject_class->dispose = gst_rtcbot_webrtc_bin_dispose;
  gobject_class->finalize = gst_rtcbot_webrtc_bin_finalize;
  gobject_class->set_property = gst_rtcbot_webrtc_bin_set_property;
  gobject_class->get_property = gst_rtcbot_webrtc_bin_get_property;

  /**
   * GstRtcbotWebrtcBin:listen-port:
   *
   * TCP port of the built-in HTTP signalling server (`POST /connect`,
   * `GET /`, `GET /rtcbot.js`); -1 (the default) runs no server, 0 takes
   * any free port (see `bound-port`). A port in use fails the state change
   * with an error naming it.
   *
   * Since: 0.1
   */
  properties[PROP_LISTEN_PORT] = g_param_spec_int ("listen-port",
      "Listen port", "HTTP signalling server port (-1 = none, 0 = any free "
      "port)", -1, 65535, DEFAULT_PROP_LISTEN_PORT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:listen-host:
   *
   * IP address the HTTP server binds; only this machine by default. Use
   * 0.0.0.0 to let other machines connect.
   *
   * Since: 0.1
   */
  properties[PROP_LISTEN_HOST] = g_param_spec_string ("listen-host",
      "Listen host", "IP address of the HTTP signalling server",
      DEFAULT_PROP_LISTEN_HOST,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:bound-port:
   *
   * The port the HTTP server listens on, once PAUSED; 0 when none.
   *
   * Since: 0.1
   */
  properties[PROP_BOUND_PORT] = g_param_spec_uint ("bound-port", "Bound port",
      "The port the HTTP signalling server listens on (0 = none)", 0, 65535,
      0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotWebrtcBin:web-root:
   *
   * A directory whose files the HTTP server serves instead of the built-in
   * demo page (`GET /` gives its index.html). `/rtcbot.js` is the built-in
   * client unless the directory has its own.
   *
   * Since: 0.1
   */
  properties[PROP_WEB_ROOT] = g_param_spec_string ("web-root", "Web root",
      "Directory of files to serve instead of the built-in page", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:connect-url:
   *
   * An RTCBot-style server to dial when the element starts: the element
   * makes an offer (the `default` data channel, its media pads, and
   * receiving video and audio), POSTs it to this URL and applies the
   * answer.
   *
   * Since: 0.1
   */
  properties[PROP_CONNECT_URL] = g_param_spec_string ("connect-url",
      "Connect URL", "RTCBot-style /connect URL to offer to when starting",
      NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:video-encoder:
   *
   * A gst-launch description of the encoder raw video goes through, once
   * for every peer, e.g. `x264enc tune=zerolatency speed-preset=ultrafast`
   * or a hardware encoder; it must produce VP8 or H.264.
   *
   * Since: 0.1
   */
  properties[PROP_VIDEO_ENCODER] = g_param_spec_string ("video-encoder",
      "Video encoder", "Encoder description for raw video (VP8 or H.264 out)",
      DEFAULT_PROP_VIDEO_ENCODER,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:stun-server:
   *
   * Passed to every webrtcbin (`stun://host:port`); none by default.
   *
   * Since: 0.1
   */
  properties[PROP_STUN_SERVER] = g_param_spec_string ("stun-server",
      "STUN server", "STUN server for every connection (stun://host:port)",
      NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:turn-server:
   *
   * Passed to every webrtcbin (`turn(s)://user:password@host:port`); none
   * by default.
   *
   * Since: 0.1
   */
  properties[PROP_TURN_SERVER] = g_param_spec_string ("turn-server",
      "TURN server", "TURN server for every connection "
      "(turn://user:password@host:port)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:latency:
   *
   * Jitterbuffer latency of received media in milliseconds; low, for
   * remote control.
   *
   * Since: 0.1
   */
  properties[PROP_LATENCY] = g_param_spec_uint ("latency", "Latency",
      "Jitterbuffer latency of received media (ms)", 0, G_MAXUINT,
      DEFAULT_PROP_LATENCY,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:max-peers:
   *
   * Most peers at once; further `POST /connect` requests get HTTP 503 and
   * a warning. 0 = no limit.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_PEERS] = g_param_spec_uint ("max-peers", "Max peers",
      "Most peers at once (0 = no limit)", 0, G_MAXUINT,
      DEFAULT_PROP_MAX_PEERS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  /**
   * GstRtcbotWebrtcBin:request-timeout:
   *
   * Seconds a client of the signalling server has to send its whole HTTP
   * request (headers and body) after connecting or after its previous
   * request, and the longest a read or write may wait. Connections that
   * stay idle or trickle their request (slowloris) are closed, so they
   * cannot exhaust the process's file descriptors. 0 = no limit.
   *
   * Since: 0.1
   */
  properties[PROP_REQUEST_TIMEOUT] = g_param_spec_uint ("request-timeout",
      "Request timeout", "Seconds an HTTP client has to send its whole "
      "request (0 = no limit)", 0, G_MAXUINT, DEFAULT_PROP_REQUEST_TIMEOUT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:gather-timeout:
   *
   * Longest wait, in milliseconds, for ICE gathering to complete before an
   * offer or answer is sent with the candidates found so far.
   *
   * Since: 0.1
   */
  properties[PROP_GATHER_TIMEOUT] = g_param_spec_uint ("gather-timeout",
      "Gather timeout", "Longest wait for ICE gathering (ms)", 0, 600000,
      DEFAULT_PROP_GATHER_TIMEOUT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  /**
   * GstRtcbotWebrtcBin:auth-token:
   *
   * Server (listen-port): when set, `POST /connect` must present this
   * token, as `Authorization: Bearer <token>` or as a `token` query
   * parameter (`/connect?token=...`); others are refused with HTTP 401
   * before their body is read. The page (`GET /`, `/rtcbot.js`) stays
   * public: the bundled rtcbot.js sends the `token` query parameter of the
   * page's own URL (`http://robot:8080/?token=...`) as Bearer. The
   * comparison takes the same time wherever the tokens differ.
   * NULL: no token needed.
   *
   * Client (connect-url): when set, sent as `Authorization: Bearer <token>`.
   *
   * The token is never logged. Use TLS (#GstRtcbotWebrtcBin:tls-certificate)
   * or a trusted network: on plain http:// anyone on the path can read it.
   *
   * Since: 0.1
   */
  properties[PROP_AUTH_TOKEN] = g_param_spec_string ("auth-token",
      "Auth token", "Server: token /connect must present (Bearer or "
      "?token=); client: token sent as Bearer (NULL = none)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:allowed-origins:
   *
   * Server: comma-separated origins (`https://robot.example:8443`, `*` for
   * any) whose pages may `POST /connect`. A request that carries an
   * `Origin` header not in the list is refused with HTTP 403; requests
   * without `Origin` (programs rather than browsers) are not affected.
   * NULL: any origin.
   *
   * Since: 0.1
   */
  properties[PROP_ALLOWED_ORIGINS] = g_param_spec_string ("allowed-origins",
      "Allowed origins", "Server: comma-separated origins whose pages may "
      "POST /connect (NULL = any)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:tls-certificate:
   *
   * Server: a PEM certificate file (chain allowed); with it the signalling
   * server speaks https:// only. The key is read from
   * #GstRtcbotWebrtcBin:tls-key, or from this file when that is NULL. A
   * file that cannot be loaded is an error, naming the file, when going to
   * PAUSED.
   *
   * Since: 0.1
   */
  properties[PROP_TLS_CERTIFICATE] = g_param_spec_string ("tls-certificate",
      "TLS certificate", "Server: PEM certificate file, enables https:// "
      "(NULL = plain http://)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:tls-key:
   *
   * Server: the PEM private key file of #GstRtcbotWebrtcBin:tls-certificate
   * (NULL: in the certificate's file).
   *
   * Since: 0.1
   */
  properties[PROP_TLS_KEY] = g_param_spec_string ("tls-key", "TLS key",
      "Server: PEM private key file of tls-certificate", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:tls-validation:
   *
   * Client, https:// connect-url: check the server's certificate against
   * the system CAs (TRUE). FALSE accepts any certificate (self-signed,
   * expired, wrong host): for testing only.
   *
   * Since: 0.1
   */
  properties[PROP_TLS_VALIDATION] = g_param_spec_boolean ("tls-validation",
      "TLS validation",
      "Client: reject untrusted server certificates (FALSE: for testing)",
      DEFAULT_PROP_TLS_VALIDATION,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRtcbotWebrtcBin:peers:
   *
   * Peers currently connected or connecting.
   *
   * Since: 0.1
   */
  properties[PROP_PEERS] = g_param_spec_uint ("peers", "Peers",
      "Peers connected or connecting", 0, G_MAXUINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotWebrtcBin:congestion-control:
   *
   * `adaptive`: each peer's bandwidth is estimated from the feedback it
   * sends, and raw video is encoded once for the peers on similar links,
   * at the bitrate of the lowest estimate among them, between
   * `min-bitrate` and `max-bitrate`; a peer on a much narrower link gets
   * a lower layer encoded for it from the same frames while it needs it
   * (the video ladder). `none`: one encoding at the bitrate its
   * `video-encoder` description sets.
   *
   * Since: 0.1
   */
  properties[PROP_CONGESTION_CONTROL] = g_param_spec_enum
      ("congestion-control", "Congestion control",
      "How the video bitrate follows the peers' links",
      GST_TYPE_RTCBOT_CONGESTION_CONTROL, DEFAULT_PROP_CONGESTION_CONTROL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  /**
   * GstRtcbotWebrtcBin:min-bitrate:
   *
   * Lowest video bitrate, bit/s, congestion control goes down to.
   *
   * Since: 0.1
   */
  properties[PROP_MIN_BITRATE] = g_param_spec_uint ("min-bitrate",
      "Min bitrate", "Lowest video bitrate (bit/s)", 10000, G_MAXINT,
      DEFAULT_PROP_MIN_BITRATE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  /**
   * GstRtcbotWebrtcBin:max-bitrate:
   *
   * Highest video bitrate, bit/s, congestion control goes up to.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_BITRATE] = g_param_spec_uint ("max-bitrate",
      "Max bitrate", "Highest video bitrate (bit/s)", 10000, G_MAXINT,
      DEFAULT_PROP_MAX_BITRATE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  /**
   * GstRtcbotWebrtcBin:start-bitrate:
   *
   * Video bitrate, bit/s, of a new peer until its feedback says more; a
   * peer that never sends feedback stays at it.
   *
   * Since: 0.1
   */
  properties[PROP_START_BITRATE] = g_param_spec_uint ("start-bitrate",
      "Start bitrate", "Video bitrate of a new peer (bit/s)", 10000,
      G_MAXINT, DEFAULT_PROP_START_BITRATE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  /**
   * GstRtcbotWebrtcBin::create-offer:
   * @rtcbotwebrtcbin: the element
   *
   * Starts a new peer connection as the offerer (the `default` channel,
   * the media pads, receiving video and audio) and returns its offer once
   * ICE gathering completed. The answer goes to `set-remote-description`.
   * Blocks for up to `gather-timeout`; the element must be PAUSED or
   * PLAYING.
   *
   * Returns: (transfer full) (nullable): `{"type": "offer", "sdp": ...}`,
   * or NULL with a warning.
   *
   * Since: 0.1
   */
  signals[SIGNAL_CREATE_OFFER] = g_signal_new_class_handler ("create-offer",
      type, G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_webrtc_bin_create_offer), NULL, NULL, NULL,
      G_TYPE_STRING, 0);

  /**
   * GstRtcbotWebrtcBin::create-answer:
   * @rtcbotwebrtcbin: the element
   * @offer: RTCBot's `{"type": "offer", "sdp": ...}`
   *
   * Starts a new peer connection answering @offer, as `POST /connect`
   * does. Blocks for up to `gather-timeout`.
   *
   * Returns: (transfer full) (nullable): `{"type": "answer", "sdp": ...}`,
   * or NULL with a warning naming what is wrong with @offer.
   *
   * Since: 0.1
   */
  signals[SIGNAL_CREATE_ANSWER] = g_signal_new_class_handler ("create-answer",
      type, G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_webrtc_bin_create_answer), NULL, NULL, NULL,
      G_TYPE_STRING, 1, G_TYPE_STRING);

  /**
   * GstRtcbotWebrtcBin::set-remote-description:
   * @rtcbotwebrtcbin: the element
   * @answer: `{"type": "answer", "sdp": ...}` for the last `create-offer`
   *
   * Completes the connection started by `create-offer`.
   *
   * Returns: TRUE when applied; FALSE with a warning otherwise.
   *
   * Since: 0.1
   */
  signals[SIGNAL_SET_REMOTE_DESCRIPTION] =
      g_signal_new_class_handler ("set-remote-description", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_webrtc_bin_set_remote_description), NULL, NULL,
      NULL, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotWebrtcBin::get-peer-stats:
   * @rtcbotwebrtcbin: the element
   * @peer: the `peer` of an `rtcbot-peer-connected` message
   *
   * What the element knows of one peer's link, the fields of the
   * `rtcbot-peer-stats` message (see the element's documentation).
   *
   * Returns: (transfer full) (nullable): the statistics, NULL when no such
   * peer is connected.
   *
   * Since: 0.1
   */
  signals[SIGNAL_GET_PEER_STATS] =
      g_signal_new_class_handler ("get-peer-stats", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_webrtc_bin_get_peer_stats), NULL, NULL,
      NULL, GST_TYPE_STRUCTURE, 1, G_TYPE_UINT);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_request_new_pad);
  element_class->release_pad =
      GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_release_pad);
  element_class->send_event =
      GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_send_event);
  bin_class->handle_message =
      GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_handle_message);
  rtcbot_bin_class->start = GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_start);
  rtcbot_bin_class->stop = GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_stop);
  rtcbot_bin_class->send = GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_send);
  rtcbot_bin_class->close = GST_DEBUG_FUNCPTR (gst_rtcbot_webrtc_bin_close);

  gst_element_class_add_static_pad_template (element_class,
      &video_sink_template);
  gst_element_class_add_static_pad_template (element_class,
      &audio_sink_template);
  gst_element_class_add_static_pad_template (element_class,
      &video_src_template);
  gst_element_class_add_static_pad_template (element_class,
      &audio_src_template);
  gst_rtcbot_bin_class_add_message_pad_templates (rtcbot_bin_class);
  gst_element_class_set_static_metadata (element_class,
      "RTCBot WebRTC connection", "Source/Sink/Network/WebRTC",
      "RTCBot's RTCConnection: video, audio and a JSON data channel with "
      "browsers and RTCBot peers, signalling built in",
      "gst-rtcbot developers");
}

static void
gst_rtcbot_webrtc_bin_init (GstRtcbotWebrtcBin * self)
{
  self->listen_port = DEFAULT_PROP_LISTEN_PORT;
  self->listen_host = g_strdup (DEFAULT_PROP_LISTEN_HOST);
  self->video_encoder = g_strdup (DEFAULT_PROP_VIDEO_ENCODER);
  self->latency = DEFAULT_PROP_LATENCY;
  self->max_peers = DEFAULT_PROP_MAX_PEERS;
  self->congestion_control = DEFAULT_PROP_CONGESTION_CONTROL;
  self->min_bitrate = DEFAULT_PROP_MIN_BITRATE;
  self->max_bitrate = DEFAULT_PROP_MAX_BITRATE;
  self->start_bitrate = DEFAULT_PROP_START_BITRATE;
  self->request_timeout = DEFAULT_PROP_REQUEST_TIMEOUT;
  self->gather_timeout = DEFAULT_PROP_GATHER_TIMEOUT;
  self->tls_validation = DEFAULT_PROP_TLS_VALIDATION;
  g_mutex_init (&self->send_lock);
  g_mutex_init (&self->layers_lock);
  g_cond_init (&self->inputs_cond);
}

static void
gst_rtcbot_webrtc_bin_dispose (GObject * object)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (object);
  GList *inputs;

  /* while their elements are still children: GstBin's dispose drops those
   * before GstElement's releases the request pads */
  GST_OBJECT_LOCK (self);
  inputs = self->inputs;
  self->inputs = NULL;
  GST_OBJECT_UNLOCK (self);
  while (inputs) {
    RtcInput *input = inputs->data;

    gst_pad_set_active (input->ghost, FALSE);
    gst_element_remove_pad (GST_ELEMENT_CAST (self), input->ghost);
    gst_rtcbot_webrtc_input_free (input);
    inputs = g_list_delete_link (inputs, inputs);
  }
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_rtcbot_webrtc_bin_finalize (GObject * object)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (object);

  g_free (self->listen_host);
  g_free (self->web_root);
  g_free (self->connect_url);
  g_free (self->video_encoder);
  g_free (self->stun_server);
  g_free (self->turn_server);
  g_free (self->auth_token);
  g_free (self->allowed_origins);
  g_free (self->tls_certificate);
  g_free (self->tls_key);
  g_mutex_clear (&self->send_lock);
  g_mutex_clear (&self->layers_lock);
  g_cond_clear (&self->inputs_cond);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
set_string (GstRtcbotWebrtcBin * self, gchar ** field, const GValue * value)
{
  GST_OBJECT_LOCK (self);
  g_free (*field);
  *field = g_value_dup_string (value);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_rtcbot_webrtc_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (object);

  switch (prop_id) {
    case PROP_LISTEN_PORT:
      GST_OBJECT_LOCK (self);
      self->listen_port = g_value_get_int (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_LISTEN_HOST:
      set_string (self, &self->listen_host, value);
      break;
    case PROP_WEB_ROOT:
      set_string (self, &self->web_root, value);
      break;
    case PROP_CONNECT_URL:
      set_string (self, &self->connect_url, value);
      break;
    case PROP_VIDEO_ENCODER:
      set_string (self, &self->video_encoder, value);
      break;
    case PROP_STUN_SERVER:
      set_string (self, &self->stun_server, value);
      break;
    case PROP_TURN_SERVER:
      set_string (self, &self->turn_server, value);
      break;
    case PROP_LATENCY:
      GST_OBJECT_LOCK (self);
      self->latency = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MAX_PEERS:
      GST_OBJECT_LOCK (self);
      self->max_peers = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CONGESTION_CONTROL:
      GST_OBJECT_LOCK (self);
      self->congestion_control = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      gst_rtcbot_webrtc_bin_bitrate_changed (self);
      break;
    case PROP_MIN_BITRATE:
    case PROP_MAX_BITRATE:
    case PROP_START_BITRATE:
      set_bitrate_limit (self, prop_id, g_value_get_uint (value));
      break;
    case PROP_REQUEST_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->request_timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_GATHER_TIMEOUT:
      GST_OBJECT_LOCK (self);
      self->gather_timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_AUTH_TOKEN:
      set_string (self, &self->auth_token, value);
      break;
    case PROP_ALLOWED_ORIGINS:
      set_string (self, &self->allowed_origins, value);
      break;
    case PROP_TLS_CERTIFICATE:
      set_string (self, &self->tls_certificate, value);
      break;
    case PROP_TLS_KEY:
      set_string (self, &self->tls_key, value);
      break;
    case PROP_TLS_VALIDATION:
      GST_OBJECT_LOCK (self);
      self->tls_validation = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_rtcbot_webrtc_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LISTEN_PORT:
      g_value_set_int (value, self->listen_port);
      break;
    case PROP_LISTEN_HOST:
      g_value_set_string (value, self->listen_host);
      break;
    case PROP_BOUND_PORT:
      g_value_set_uint (value, self->bound_port);
      break;
    case PROP_WEB_ROOT:
      g_value_set_string (value, self->web_root);
      break;
    case PROP_CONNECT_URL:
      g_value_set_string (value, self->connect_url);
      break;
    case PROP_VIDEO_ENCODER:
      g_value_set_string (value, self->video_encoder);
      break;
    case PROP_STUN_SERVER:
      g_value_set_string (value, self->stun_server);
      break;
    case PROP_TURN_SERVER:
      g_value_set_string (value, self->turn_server);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, self->latency);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    case PROP_MAX_PEERS:
      g_value_set_uint (value, self->max_peers);
      break;
    case PROP_CONGESTION_CONTROL:
      g_value_set_enum (value, self->congestion_control);
      break;
    case PROP_MIN_BITRATE:
      g_value_set_uint (value, self->min_bitrate);
      break;
    case PROP_MAX_BITRATE:
      g_value_set_uint (value, self->max_bitrate);
      break;
    case PROP_START_BITRATE:
      g_value_set_uint (value, self->start_bitrate);
      break;
    case PROP_GATHER_TIMEOUT:
      g_value_set_uint (value, self->gather_timeout);
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
    case PROP_TLS_VALIDATION:
      g_value_set_boolean (value, self->tls_validation);
      break;
    case PROP_PEERS:
      g_value_set_uint (value, g_list_length (self->peers));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---------------------------------------------------------------------- */
/* lifecycle                                                              */

gboolean
gst_rtcbot_webrtc_bin_is_client (GstRtcbotWebrtcBin * self)
{
  gboolean client;

  GST_OBJECT_LOCK (self);
  client = self->connect_url != NULL && *self->connect_url;
  GST_OBJECT_UNLOCK (self);
  return client;
}

void
gst_rtcbot_webrtc_bin_channel_opened (GstRtcbotWebrtcBin * self)
{
  GST_OBJECT_LOCK (self);
  self->open_channels++;
  GST_OBJECT_UNLOCK (self);
  /* serving: a new peer after the last one left opens the element again */
  gst_rtcbot_bin_resume (GST_RTCBOT_BIN (self));
  gst_rtcbot_bin_set_ready (GST_RTCBOT_BIN (self), TRUE);
  gst_rtcbot_webrtc_bin_drain_outgoing (self);
}

static void
refuse_new_peers (GstRtcbotWebrtcBin * self)
{
  GST_OBJECT_LOCK (self);
  self->closed_for_good = TRUE;
  GST_OBJECT_UNLOCK (self);
}

/* Closes the element until READY: the end of the connect-url connection,
 * or an EOS sent to it. */
void
gst_rtcbot_webrtc_bin_mark_closed (GstRtcbotWebrtcBin * self,
    const gchar * reason)
{
  refuse_new_peers (self);
  gst_rtcbot_bin_end (GST_RTCBOT_BIN (self), reason);
}

/* A peer's channel closed (the peer is leaving). */
void
gst_rtcbot_webrtc_bin_channel_closed (GstRtcbotWebrtcBin * self)
{
  guint open;
  gboolean client, last_gone;

  GST_OBJECT_LOCK (self);
  if (self->open_channels > 0)
    self->open_channels--;
  open = self->open_channels;
  client = self->connect_url != NULL && *self->connect_url;
  last_gone = open == 0 && self->peers == NULL && self->running
      && !self->closed_for_good;
  GST_OBJECT_UNLOCK (self);

  if (open == 0)
    gst_rtcbot_bin_set_ready (GST_RTCBOT_BIN (self), FALSE);
  if (!last_gone)
    return;
  if (client) {
    gst_rtcbot_webrtc_bin_mark_closed (self, "the connection closed");
    return;
  }
  gst_rtcbot_bin_suspend (GST_RTCBOT_BIN (self), "the last peer went away");
  /* a new peer whose channel opened meanwhile found nothing to reopen */
  GST_OBJECT_LOCK (self);
  open = self->open_channels;
  GST_OBJECT_UNLOCK (self);
  if (open > 0) {
    gst_rtcbot_bin_resume (GST_RTCBOT_BIN (self));
    gst_rtcbot_bin_set_ready (GST_RTCBOT_BIN (self), TRUE);
  }
}

/* ---------------------------------------------------------------------- */
/* messages                                                               */

/* A data-channel thread: one message from @peer to every subscriber. */
void
gst_rtcbot_webrtc_bin_receive (GstRtcbotWebrtcBin * self, RtcPeer * peer,
    const gchar * data, gsize size, gboolean text)
{
  GstBuffer *buffer;
  GstCaps *caps;
  GstSample *sample;
  GError *error = NULL;

  if (text) {
    if (!gst_rtcbot_json_validate (data, size, &error)) {
      gchar *where = g_strdup_printf ("received from %s", peer->address);

      gst_rtcbot_bin_drop_invalid (GST_RTCBOT_BIN (self), where, data, size,
          error);
      g_free (where);
      g_clear_error (&error);
      return;
    }
    caps = gst_caps_new_empty_simple ("application/x-json");
  } else {
    caps = gst_caps_new_empty_simple ("application/octet-stream");
  }
  buffer = size > 0 ? gst_buffer_new_memdup (data, size) : gst_buffer_new ();
  sample = gst_sample_new (buffer, caps, NULL, NULL);
  gst_buffer_unref (buffer);
  gst_caps_unref (caps);
  gst_rtcbot_bin_deliver (GST_RTCBOT_BIN (self), sample);
  gst_sample_unref (sample);
}

/* Sends what waits in the outgoing queue on every open channel; messages
 * stay queued while no channel is open. */
void
gst_rtcbot_webrtc_bin_drain_outgoing (GstRtcbotWebrtcBin * self)
{
  g_mutex_lock (&self->send_lock);
  for (;;) {
    GList *peers = NULL, *open = NULL, *l;
    GstSample *sample;

    GST_OBJECT_LOCK (self);
    for (l = self->peers; l; l = l->next)
      peers = g_list_prepend (peers, gst_rtcbot_webrtc_peer_ref (l->data));
    GST_OBJECT_UNLOCK (self);
    /* channel_open is the peer's, under its own lock (never taken inside
     * the element's) */
    for (l = peers; l; l = l->next) {
      RtcPeer *peer = l->data;
      gboolean channel_open;

      g_mutex_lock (&peer->lock);
      channel_open = peer->channel_open;
      g_mutex_unlock (&peer->lock);
      if (channel_open)
        open = g_list_prepend (open, gst_rtcbot_webrtc_peer_ref (peer));
    }
    g_list_free_full (peers, (GDestroyNotify) gst_rtcbot_webrtc_peer_unref);
    if (open == NULL)
      break;

    sample = gst_rtcbot_bin_take_outgoing (GST_RTCBOT_BIN (self));
    for (l = open; sample && l; l = l->next)
      gst_rtcbot_webrtc_peer_send (l->data, sample);
    g_list_free_full (open, (GDestroyNotify) gst_rtcbot_webrtc_peer_unref);
    if (sample == NULL)
      break;
    gst_sample_unref (sample);
  }
  g_mutex_unlock (&self->send_lock);
}

static void
gst_rtcbot_webrtc_bin_send (GstRtcbotBin * bin)
{
  gst_rtcbot_webrtc_bin_drain_outgoing (GST_RTCBOT_WEBRTC_BIN (bin));
}

/* ---------------------------------------------------------------------- */
/* state                                                                  */

/* Bounded wait for the media inputs' first caps, so an offer or answer
 * made right after start includes them. */
void
gst_rtcbot_webrtc_bin_wait_inputs (GstRtcbotWebrtcBin * self)
{
  gint64 end = g_get_monotonic_time () + INPUTS_TIMEOUT_US;
  GList *l;

  GST_OBJECT_LOCK (self);
  for (;;) {
    for (l = self->inputs; l; l = l->next) {
      RtcInput *input = l->data;

      if (input->encoding == NULL && !input->failed)
        break;
    }
    if (l == NULL || !self->running)
      break;
    if (!g_cond_wait_until (&self->inputs_cond, GST_OBJECT_GET_LOCK (self),
            end))
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

void
gst_rtcbot_webrtc_bin_inputs_changed (GstRtcbotWebrtcBin * self)
{
  GST_OBJECT_LOCK (self);
  g_cond_broadcast (&self->inputs_cond);
  GST_OBJECT_UNLOCK (self);
}

static void
remove_all_peers (GstRtcbotWebrtcBin * self)
{
  for (;;) {
    RtcPeer *peer = NULL;

    GST_OBJECT_LOCK (self);
    if (self->peers)
      peer = gst_rtcbot_webrtc_peer_ref (self->peers->data);
    GST_OBJECT_UNLOCK (self);
    if (peer == NULL)
      break;
    gst_rtcbot_webrtc_peer_remove_now (peer);
    gst_rtcbot_webrtc_peer_unref (peer);
  }
}

/* The elements every peer's webrtcbin creates for its transport (ICE,
 * DTLS, SRTP, SCTP, RTP sessions): missing ones would only show as a
 * failing peer, so they are looked for before listening. */
static const gchar *const transport_elements[] = {
  "webrtcbin", "nicesrc", "nicesink", "dtlssrtpenc", "dtlssrtpdec",
  "srtpenc", "srtpdec", "sctpenc", "sctpdec", "rtpbin", NULL
};

static gboolean
gst_rtcbot_webrtc_bin_check_transport (GstRtcbotWebrtcBin * self)
{
  const gchar *const *name;

  for (name = transport_elements; *name; name++) {
    GstElementFactory *factory = gst_element_factory_find (*name);

    if (factory == NULL) {
      gst_rtcbot_post_missing_element (GST_ELEMENT_CAST (self), *name);
      return FALSE;
    }
    gst_object_unref (factory);
  }
  return TRUE;
}

static gboolean
gst_rtcbot_webrtc_bin_start (GstRtcbotBin * bin)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (bin);
  GError *error = NULL;

  if (!gst_rtcbot_webrtc_bin_check_transport (self))
    return FALSE;
  GST_OBJECT_LOCK (self);
  self->running = TRUE;
  self->open_channels = 0;
  GST_OBJECT_UNLOCK (self);

  if (!gst_rtcbot_webrtc_http_start (self, &error)) {
    /* a listen failure is the socket's, anything else the settings' (an
     * unreadable certificate, a host that is not an address) */
    gst_rtcbot_element_message_from_error (GST_ELEMENT (self),
        GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
        error->domain == GST_RESOURCE_ERROR ? error->code :
        error->domain == G_IO_ERROR ? GST_RESOURCE_ERROR_OPEN_READ_WRITE :
        GST_RESOURCE_ERROR_SETTINGS, error, g_strdup (error->message),
        __FILE__, GST_FUNCTION, __LINE__);
    g_clear_error (&error);
    GST_OBJECT_LOCK (self);
    self->running = FALSE;
    GST_OBJECT_UNLOCK (self);
    return FALSE;
  }
  return TRUE;
}

/* Called before the children stop (peers are taken out while data can
 * still drain), then again by the base class after them: the second call
 * finds nothing running. */
static void
gst_rtcbot_webrtc_bin_stop (GstRtcbotBin * bin)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (bin);
  gboolean was_running;

  GST_OBJECT_LOCK (self);
  was_running = self->running;
  self->running = FALSE;
  g_cond_broadcast (&self->inputs_cond);
  GST_OBJECT_UNLOCK (self);
  if (!was_running)
    return;

  gst_rtcbot_webrtc_client_stop (self);
  /* peers first: the server waits for answers in progress */
  remove_all_peers (self);
  gst_rtcbot_webrtc_http_stop (self);
  remove_all_peers (self);
  gst_rtcbot_webrtc_ladder_clear (self);

  GST_OBJECT_LOCK (self);
  self->closed_for_good = FALSE;
  self->open_channels = 0;
  self->bound_port = 0;
  GST_OBJECT_UNLOCK (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_PORT]);
}

void
gst_rtcbot_webrtc_bin_notify_bound_port (GstRtcbotWebrtcBin * self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_PORT]);
}

static GstStateChangeReturn
gst_rtcbot_webrtc_bin_change_state (GstElement * element,
    GstStateChange transition)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (element);
  GstStateChangeReturn ret;

  /* before the children stop: peers are taken out while data can still
   * drain (the peers' webrtcbins are children too) */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_rtcbot_webrtc_bin_stop (GST_RTCBOT_BIN (self));

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      if (ret != GST_STATE_CHANGE_FAILURE
          && gst_rtcbot_webrtc_bin_is_client (self))
        gst_rtcbot_webrtc_client_start (self);
      break;
    default:
      break;
  }
  return ret;
}

/* ---------------------------------------------------------------------- */
/* pads                                                                   */

static GstPad *
gst_rtcbot_webrtc_bin_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (element);
  const gchar *template_name = GST_PAD_TEMPLATE_NAME_TEMPLATE (templ);
  gboolean video = g_str_equal (template_name, "video_sink_%u");
  RtcInput *input;

  if (!video && !g_str_equal (template_name, "audio_sink_%u"))
    return GST_ELEMENT_CLASS (parent_class)->request_new_pad (element, templ,
        name, caps);

  input = gst_rtcbot_webrtc_input_new (self, templ, name, video);
  if (input == NULL)
    return NULL;
  GST_OBJECT_LOCK (self);
  self->inputs = g_list_append (self->inputs, input);
  GST_OBJECT_UNLOCK (self);
  return input->ghost;
}

/* An EOS sent to the bin (gst-launch-1.0 -e on Ctrl-C, or
 * gst_element_send_event() by an application) ends it as `close` does:
 * each peer's webrtcbin is a sink that would otherwise wait for an EOS its
 * open data channel never gives, and the pipeline would never end. */
static gboolean
gst_rtcbot_webrtc_bin_send_event (GstElement * element, GstEvent * event)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (element);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    gst_rtcbot_webrtc_bin_mark_closed (self, "end of stream");
    remove_all_peers (self);
    gst_event_unref (event);
    return TRUE;
  }
  return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
}

static void
gst_rtcbot_webrtc_bin_release_pad (GstElement * element, GstPad * pad)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (element);
  RtcInput *input = NULL;
  GList *l;

  GST_OBJECT_LOCK (self);
  for (l = self->inputs; l; l = l->next)
    if (((RtcInput *) l->data)->ghost == pad) {
      input = l->data;
      self->inputs = g_list_delete_link (self->inputs, l);
      break;
    }
  GST_OBJECT_UNLOCK (self);

  if (input == NULL) {
    GST_ELEMENT_CLASS (parent_class)->release_pad (element, pad);
    return;
  }
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
  gst_rtcbot_webrtc_input_free (input);
}

static void
gst_rtcbot_webrtc_bin_handle_message (GstBin * bin, GstMessage * message)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (bin);
  GstObject *src = GST_MESSAGE_SRC (message);
  RtcPeer *peer = NULL;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_STATE_CHANGED:
    case GST_MESSAGE_STREAM_STATUS:
    case GST_MESSAGE_LATENCY:
      if (src && src != GST_OBJECT_CAST (self))
        peer = gst_rtcbot_webrtc_peer_find (self, src);
      break;
    default:
      break;
  }
  if (peer == NULL) {
    GST_BIN_CLASS (parent_class)->handle_message (bin, message);
    return;
  }

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:{
      GError *error = NULL;
      gchar *debug = NULL;

      /* a peer's transport breaking (it went away, its SCTP association
       * failed) ends that peer only */
      gst_message_parse_error (message, &error, &debug);
      GST_INFO_OBJECT (self, "peer %u: error from %s: %s (%s)", peer->id,
          GST_OBJECT_NAME (src), error ? error->message : "unknown error",
          GST_STR_NULL (debug));
      gst_rtcbot_webrtc_peer_fail (peer, error ? error->message :
          "unknown error");
      g_clear_error (&error);
      g_free (debug);
      break;
    }
    case GST_MESSAGE_LATENCY:
      /* reposted as the bin's own: the application recalculates the
       * latency all the same, and the message holds none of the peer */
      GST_BIN_CLASS (parent_class)->handle_message (bin,
          gst_message_new_latency (GST_OBJECT_CAST (self)));
      break;
    default:
      /* The state changes and streaming threads of a peer's elements,
       * some 200 messages per peer that tell the application nothing.
       * Each message holds its source: an application that keeps them
       * (a test's bus history) would keep every peer's webrtcbin with its
       * ICE agent, sockets and thread alive. */
      break;
  }
  gst_message_unref (message);
  gst_rtcbot_webrtc_peer_unref (peer);
}

/* ---------------------------------------------------------------------- */
/* actions                                                                */

/* the bin is marked closed: every peer goes, none is accepted */
static void
gst_rtcbot_webrtc_bin_close (GstRtcbotBin * bin)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (bin);

  refuse_new_peers (self);
  remove_all_peers (self);
}

static void
action_failed (GstRtcbotWebrtcBin * self, const gchar * action, GError * error)
{
  GST_ELEMENT_WARNING (self, RESOURCE, FAILED, ("%s failed: %s", action,
          error ? error->message : "unknown error"), (NULL));
  g_clear_error (&error);
}

static gchar *
gst_rtcbot_webrtc_bin_create_offer (GstRtcbotWebrtcBin * self)
{
  GError *error = NULL;
  RtcPeer *peer, *previous;
  gchar *offer;

  peer = gst_rtcbot_webrtc_peer_new (self, "application", TRUE, &error);
  if (peer == NULL) {
    action_failed (self, "create-offer", error);
    return NULL;
  }
  gst_rtcbot_webrtc_bin_wait_inputs (self);
  offer = gst_rtcbot_webrtc_peer_offer (peer, &error);
  if (offer == NULL) {
    action_failed (self, "create-offer", error);
    gst_rtcbot_webrtc_peer_remove_now (peer);
    gst_rtcbot_webrtc_peer_unref (peer);
    return NULL;
  }
  GST_OBJECT_LOCK (self);
  previous = self->offering;
  self->offering = peer;
  GST_OBJECT_UNLOCK (self);
  /* an offer never answered is abandoned */
  if (previous)
    gst_rtcbot_webrtc_peer_remove_now (previous);
  gst_rtcbot_webrtc_peer_unref (peer);
  return offer;
}

static gchar *
gst_rtcbot_webrtc_bin_create_answer (GstRtcbotWebrtcBin * self,
    const gchar * offer)
{
  GError *error = NULL;
  GstSDPMessage *sdp;
  RtcPeer *peer;
  gchar *answer;

  sdp = gst_rtcbot_webrtc_parse_description (offer, offer ? strlen (offer) :
      0, "offer", &error);
  if (sdp == NULL) {
    action_failed (self, "create-answer", error);
    return NULL;
  }
  peer = gst_rtcbot_webrtc_peer_new (self, "application", FALSE, &error);
  if (peer == NULL) {
    gst_sdp_message_free (sdp);
    action_failed (self, "create-answer", error);
    return NULL;
  }
  gst_rtcbot_webrtc_bin_wait_inputs (self);
  answer = gst_rtcbot_webrtc_peer_answer (peer, sdp, &error);
  if (answer == NULL) {
    action_failed (self, "create-answer", error);
    gst_rtcbot_webrtc_peer_remove_now (peer);
  }
  gst_rtcbot_webrtc_peer_unref (peer);
  return answer;
}

static GstStructure *
gst_rtcbot_webrtc_bin_get_peer_stats (GstRtcbotWebrtcBin * self, guint peer_id)
{
  RtcPeer *peer = NULL;
  GstStructure *stats;
  GList *l;

  GST_OBJECT_LOCK (self);
  for (l = self->peers; l && !peer; l = l->next)
    if (((RtcPeer *) l->data)->id == peer_id)
      peer = gst_rtcbot_webrtc_peer_ref (l->data);
  GST_OBJECT_UNLOCK (self);
  if (peer == NULL)
    return NULL;
  stats = gst_rtcbot_webrtc_peer_stats (peer);
  gst_rtcbot_webrtc_peer_unref (peer);
  return stats;
}

/* ---------------------------------------------------------------------- */
/* congestion control: the encoders follow the peers' estimates            */

static gpointer
copy_peer (gconstpointer peer, gpointer unused)
{
  return gst_rtcbot_webrtc_peer_ref ((RtcPeer *) peer);
}

static void
set_bitrate_limit (GstRtcbotWebrtcBin * self, guint prop_id, guint bitrate)
{
  GList *peers, *l;

  GST_OBJECT_LOCK (self);
  if (prop_id == PROP_MIN_BITRATE)
    self->min_bitrate = bitrate;
  else if (prop_id == PROP_MAX_BITRATE)
    self->max_bitrate = bitrate;
  else
    self->start_bitrate = bitrate;
  peers = g_list_copy_deep (self->peers, copy_peer, NULL);
  GST_OBJECT_UNLOCK (self);
  for (l = peers; l; l = l->next)
    gst_rtcbot_webrtc_peer_set_limits (l->data);
  g_list_free_full (peers, (GDestroyNotify) gst_rtcbot_webrtc_peer_unref);
  gst_rtcbot_webrtc_bin_bitrate_changed (self);
}

/* With the object lock: the bitrate of @layer's encoders for @wanted.
 * Up gradually: an estimate can run ahead of the link (a probe let
 * through by a shaper's token bucket), and an encoder given all of it at
 * once fills the queue before the delay says so. Down at once. */
static guint
ramp_layer_bitrate (GstRtcbotWebrtcBin * self, guint layer, guint wanted,
    gint64 now)
{
  guint current = self->layer_bitrate[layer];

  if (wanted > current && current > 0) {
    gdouble seconds = CLAMP ((now - self->layer_bitrate_changed[layer]) /
        (gdouble) G_USEC_PER_SEC, 0.0, 1.0);

    wanted = MIN (wanted, MAX (current + 1,
            current * pow (ENCODER_RAMP_PER_SECOND, seconds)));
  }
  if (wanted != current)
    self->layer_bitrate_changed[layer] = now;
  self->layer_bitrate[layer] = wanted;
  return wanted;
}

/* Which layer of the video ladder each of @peers gets, and each layer's
 * bitrate (in @bitrates, 0 for a layer without peers). Returns whether
 * the ladder has work to do: a lower layer planned, or a branch not yet
 * sent its layer. */
static gboolean
plan_layers (GstRtcbotWebrtcBin * self, GList * peers,
    guint bitrates[RTC_MAX_LAYERS], gint64 now)
{
  guint n = g_list_length (peers), i, min, max;
  GstRtcbotLadderPeer *plan = g_new0 (GstRtcbotLadderPeer, MAX (n, 1));
  gboolean busy = FALSE;
  GList *l, *b;

  GST_OBJECT_LOCK (self);
  min = self->min_bitrate;
  max = self->max_bitrate;
  GST_OBJECT_UNLOCK (self);
  for (l = peers, i = 0; l; l = l->next, i++) {
    RtcPeer *peer = l->data;
    gdouble target = gst_rtcbot_congestion_get_target (peer->cc);
    gdouble audio = gst_rtcbot_webrtc_peer_audio_bitrate (peer);

    plan[i].video = CLAMP (target * RTC_VIDEO_SHARE - audio, min, max);
    g_mutex_lock (&peer->lock);
    plan[i].current = peer->layer;
    plan[i].may_move = now - peer->layer_moved >= LAYER_MOVE_INTERVAL_US;
    g_mutex_unlock (&peer->lock);
  }
  gst_rtcbot_ladder_plan (plan, n, bitrates);
  for (l = peers, i = 0; l; l = l->next, i++) {
    RtcPeer *peer = l->data;

    g_mutex_lock (&peer->lock);
    if (plan[i].layer != peer->layer) {
      GST_INFO_OBJECT (self, "peer %u: video layer %d planned (%u bit/s)",
          peer->id, plan[i].layer, plan[i].video);
      peer->layer = plan[i].layer;
      peer->layer_moved = now;
    }
    busy |= peer->layer != 0;
    for (b = peer->branches; b; b = b->next) {
      RtcBranch *branch = b->data;

      busy |= branch->funnel
          && g_atomic_int_get (&branch->layer) != peer->layer;
    }
    g_mutex_unlock (&peer->lock);
  }
  g_free (plan);
  return busy;
}

/* Any thread; called when an estimate moved, and about once a second so
 * that the video level settles at a steady estimate. Raw video is
 * encoded once for the peers on good links (layer 0, following the
 * lowest estimate among them) and, only while a peer on a narrower link
 * needs it, at lower layers made from the same frames: a peer on a poor
 * link never lowers the picture of the others, nor waits behind video
 * its link cannot carry (gstrtcbotwebrtcladder.c). */
void
gst_rtcbot_webrtc_bin_bitrate_changed (GstRtcbotWebrtcBin * self)
{
  GList *peers, *l;
  GPtrArray *encoders;
  guint bitrates[RTC_MAX_LAYERS], i, k;
  gboolean adaptive, busy;
  gint64 now = g_get_monotonic_time ();

  GST_OBJECT_LOCK (self);
  adaptive = self->congestion_control != GST_RTCBOT_CONGESTION_CONTROL_NONE;
  peers = g_list_copy_deep (self->peers, copy_peer, NULL);
  GST_OBJECT_UNLOCK (self);
  if (!adaptive || peers == NULL) {
    g_list_free_full (peers, (GDestroyNotify) gst_rtcbot_webrtc_peer_unref);
    return;
  }
  busy = plan_layers (self, peers, bitrates, now);
  g_list_free_full (peers, (GDestroyNotify) gst_rtcbot_webrtc_peer_unref);

  GST_OBJECT_LOCK (self);
  for (k = 0; k < RTC_MAX_LAYERS; k++) {
    if (bitrates[k] > 0)
      ramp_layer_bitrate (self, k, bitrates[k], now);
    else if (k > 0)
      self->layer_bitrate[k] = 0;
  }
  /* triples of element, property name, value: set without the lock */
  encoders = g_ptr_array_new ();
  for (l = self->inputs; l; l = l->next) {
    RtcInput *input = l->data;

    for (k = 0; k < RTC_MAX_LAYERS; k++) {
      RtcLayer *layer = input->layers[k];
      guint bitrate = self->layer_bitrate[k], soon;
      gint level;

      if (layer == NULL || bitrate == 0)
        continue;
      busy |= k > 0;
      /* the level holds for a while and the ramp goes on: chosen for what
       * the encoder is given a second from now, a recovering link is not
       * walked through every level */
      soon = bitrates[k] > bitrate ? MIN (bitrates[k],
          bitrate * ENCODER_RAMP_PER_SECOND) : bitrate;
      level = gst_rtcbot_webrtc_input_choose_level (layer, soon,
          self->start_bitrate, self->video_width, self->video_height,
          self->video_fps_n, self->video_fps_d);
      if (level != g_atomic_int_get (&layer->level)) {
        GST_INFO_OBJECT (self, "video layer %u: level %d at %u bit/s", k,
            level, bitrate);
        g_atomic_int_set (&layer->level, level);
        g_ptr_array_add (encoders, gst_object_ref (layer->size_filter));
        g_ptr_array_add (encoders, (gpointer) "caps");
        g_ptr_array_add (encoders, gst_rtcbot_webrtc_input_level_caps (level,
                self->video_width, self->video_height));
      }
      if (bitrate != layer->bitrate && layer->encoder && layer->rate_property) {
        layer->bitrate = bitrate;
        g_ptr_array_add (encoders, gst_object_ref (layer->encoder));
        g_ptr_array_add (encoders, (gpointer) layer->rate_property);
        g_ptr_array_add (encoders, GUINT_TO_POINTER (bitrate /
                layer->rate_unit));
      }
    }
  }
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "video bitrates %u %u %u bit/s", bitrates[0],
      bitrates[1], bitrates[2]);
  for (i = 0; i + 2 < encoders->len; i += 3) {
    const gchar *property = encoders->pdata[i + 1];

    if (g_str_equal (property, "caps")) {
      g_object_set (encoders->pdata[i], "caps", encoders->pdata[i + 2], NULL);
      gst_caps_unref (encoders->pdata[i + 2]);
    } else {
      g_object_set (encoders->pdata[i], property,
          GPOINTER_TO_UINT (encoders->pdata[i + 2]), NULL);
    }
    gst_object_unref (encoders->pdata[i]);
  }
  g_ptr_array_free (encoders, TRUE);
  if (busy)
    gst_rtcbot_webrtc_ladder_update (self);
}

static gboolean
gst_rtcbot_webrtc_bin_set_remote_description (GstRtcbotWebrtcBin * self,
    const gchar * description)
{
  GError *error = NULL;
  GstSDPMessage *sdp;
  RtcPeer *peer = NULL;
  gboolean ok;

  sdp = gst_rtcbot_webrtc_parse_description (description, description ?
      strlen (description) : 0, "answer", &error);
  if (sdp == NULL) {
    action_failed (self, "set-remote-description", error);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  if (self->offering)
    peer = gst_rtcbot_webrtc_peer_ref (self->offering);
  GST_OBJECT_UNLOCK (self);
  if (peer == NULL) {
    gst_sdp_message_free (sdp);
    g_set_error (&error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "no offer made with create-offer is waiting for an answer");
    action_failed (self, "set-remote-description", error);
    return FALSE;
  }
  ok = gst_rtcbot_webrtc_peer_apply_answer (peer, sdp, &error);
  if (!ok) {
    action_failed (self, "set-remote-description", error);
    gst_rtcbot_webrtc_peer_remove_now (peer);
  }
  GST_OBJECT_LOCK (self);
  if (self->offering == peer)
    self->offering = NULL;
  GST_OBJECT_UNLOCK (self);
  gst_rtcbot_webrtc_peer_unref (peer);
  return ok;
}
