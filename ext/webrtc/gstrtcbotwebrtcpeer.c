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

#include <stdio.h>
#include <string.h>
#include <gst/video/video.h>

#include "gstrtcbotmissing.h"
#include "gstrtcbotwebrtcbinprivate.h"

/* how long a departing peer's channel gets to say goodbye, and a peer
 * whose SCTP association ended gets to close DTLS */
#define CHANNEL_CLOSE_TIMEOUT_US (500 * G_TIME_SPAN_MILLISECOND)

RtcPeer *
gst_rtcbot_webrtc_peer_ref (RtcPeer * peer)
{
  g_atomic_int_inc (&peer->refcount);
  return peer;
}

void
gst_rtcbot_webrtc_peer_unref (RtcPeer * peer)
{
  if (!g_atomic_int_dec_and_test (&peer->refcount))
    return;
  gst_clear_object (&peer->webrtc);
  if (peer->cc)
    gst_rtcbot_congestion_free (peer->cc);
  g_free (peer->address);
  g_free (peer->failure);
  g_mutex_clear (&peer->lock);
  g_cond_clear (&peer->cond);
  g_free (peer);
}

static void
peer_closure_unref (gpointer data, GClosure * closure)
{
  gst_rtcbot_webrtc_peer_unref (data);
}

void
gst_rtcbot_webrtc_peer_connect (RtcPeer * peer, gpointer instance,
    const gchar * signal, GCallback callback)
{
  g_signal_connect_data (instance, signal, callback,
      gst_rtcbot_webrtc_peer_ref (peer), peer_closure_unref, 0);
}

/* ---------------------------------------------------------------------- */
/* waiting on webrtcbin, bounded and interrupted by the peer's removal    */

/* Shared by a pending promise and its waiter, either may outlive the
 * other. */
typedef struct
{
  gint refcount;
  RtcPeer *peer;
  gboolean done;                /* peer->lock */
} CallState;

static void
call_state_unref (gpointer data)
{
  CallState *call = data;

  if (!g_atomic_int_dec_and_test (&call->refcount))
    return;
  gst_rtcbot_webrtc_peer_unref (call->peer);
  g_free (call);
}

static void
promise_changed (GstPromise * promise, gpointer user_data)
{
  CallState *call = user_data;

  g_mutex_lock (&call->peer->lock);
  call->done = TRUE;
  g_cond_broadcast (&call->peer->cond);
  g_mutex_unlock (&call->peer->lock);
}

/* Runs @signal on webrtcbin with @arg and a promise; returns the reply
 * (owned by the promise, kept alive by *promise_out) or NULL with @error. */
static const GstStructure *
webrtc_call (RtcPeer * peer, const gchar * signal, gpointer arg,
    GstPromise ** promise_out, GError ** error)
{
  GstPromise *promise;
  const GstStructure *reply;
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  GError *reply_error = NULL;
  CallState *call = g_new0 (CallState, 1);
  gboolean done;

  call->refcount = 2;
  call->peer = gst_rtcbot_webrtc_peer_ref (peer);
  promise = gst_promise_new_with_change_func (promise_changed, call,
      call_state_unref);
  g_signal_emit_by_name (peer->webrtc, signal, arg, promise);

  g_mutex_lock (&peer->lock);
  while (!call->done && !peer->removed)
    if (!g_cond_wait_until (&peer->cond, &peer->lock, end))
      break;
  done = call->done;
  g_mutex_unlock (&peer->lock);
  call_state_unref (call);

  *promise_out = promise;
  if (!done || gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED) {
    if (!done)
      gst_promise_interrupt (promise);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "webrtcbin did not complete %s%s", signal,
        peer->removed ? ": the peer went away" : "");
    return NULL;
  }
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error")) {
    gst_structure_get (reply, "error", G_TYPE_ERROR, &reply_error, NULL);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "%s failed: %s", signal, reply_error ? reply_error->message : "?");
    g_clear_error (&reply_error);
    return NULL;
  }
  return reply;
}

static gboolean
webrtc_call_simple (RtcPeer * peer, const gchar * signal, gpointer arg,
    GError ** error)
{
  GstPromise *promise = NULL;
  gboolean ok = webrtc_call (peer, signal, arg, &promise, error) != NULL
      || (error && *error == NULL);

  gst_promise_unref (promise);
  return ok;
}

static GstWebRTCSessionDescription *
webrtc_create (RtcPeer * peer, const gchar * signal, const gchar * field,
    GError ** error)
{
  GstPromise *promise = NULL;
  const GstStructure *reply;
  GstWebRTCSessionDescription *desc = NULL;

  reply = webrtc_call (peer, signal, NULL, &promise, error);
  if (reply)
    gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
        &desc, NULL);
  else if (error && *error == NULL)
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "%s gave no description", signal);
  gst_promise_unref (promise);
  return desc;
}

static void
on_gathering_state (GstElement * webrtc, GParamSpec * pspec, RtcPeer * peer)
{
  GstWebRTCICEGatheringState state;

  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    return;
  g_mutex_lock (&peer->lock);
  peer->gathered = TRUE;
  g_cond_broadcast (&peer->cond);
  g_mutex_unlock (&peer->lock);
}

/* Non-trickle: the description is sent once every candidate is in it. */
static gchar *
local_description_when_gathered (RtcPeer * peer)
{
  GstRtcbotWebrtcBin *self = peer->self;
  GstWebRTCSessionDescription *desc = NULL;
  gint64 end;
  gchar *text, *json;
  guint timeout;

  GST_OBJECT_LOCK (self);
  timeout = self->gather_timeout;
  GST_OBJECT_UNLOCK (self);
  end = g_get_monotonic_time () + timeout * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&peer->lock);
  while (!peer->gathered && !peer->removed)
    if (!g_cond_wait_until (&peer->cond, &peer->lock, end))
      break;
  if (!peer->gathered)
    GST_INFO_OBJECT (self, "peer %u: ICE gathering not complete after %u ms,"
        " sending the candidates found so far", peer->id, timeout);
  g_mutex_unlock (&peer->lock);

  g_object_get (peer->webrtc, "local-description", &desc, NULL);
  if (desc == NULL)
    return NULL;
  text = gst_sdp_message_as_text (desc->sdp);
  json = gst_rtcbot_webrtc_description_to_json (desc->type ==
      GST_WEBRTC_SDP_TYPE_OFFER ? "offer" : "answer", text);
  g_free (text);
  gst_webrtc_session_description_free (desc);
  return json;
}

/* ---------------------------------------------------------------------- */
/* the data channel                                                       */

static void
on_channel_open (GstWebRTCDataChannel * channel, RtcPeer * peer)
{
  gboolean opened = FALSE;

  g_mutex_lock (&peer->lock);
  if (!peer->channel_open && !peer->removed) {
    peer->channel_open = opened = TRUE;
  }
  g_mutex_unlock (&peer->lock);
  if (!opened)
    return;
  GST_INFO_OBJECT (peer->self, "peer %u: data channel open", peer->id);
  gst_rtcbot_webrtc_bin_channel_opened (peer->self);
}

static void
on_channel_close (GstWebRTCDataChannel * channel, RtcPeer * peer)
{
  g_mutex_lock (&peer->lock);
  peer->channel_closed = TRUE;
  g_cond_broadcast (&peer->cond);
  g_mutex_unlock (&peer->lock);
  GST_INFO_OBJECT (peer->self, "peer %u: data channel closed", peer->id);
  gst_rtcbot_webrtc_peer_remove (peer, "its data channel closed");
}

static void
on_channel_error (GstWebRTCDataChannel * channel, GError * error,
    RtcPeer * peer)
{
  GST_ELEMENT_WARNING (peer->self, RESOURCE, READ,
      ("The data channel with %s failed: %s", peer->address,
          error ? error->message : "unknown error"), (NULL));
}

static void
on_message_string (GstWebRTCDataChannel * channel, const gchar * string,
    RtcPeer * peer)
{
  if (string)
    gst_rtcbot_webrtc_bin_receive (peer->self, peer, string, strlen (string),
        TRUE);
}

static void
on_message_data (GstWebRTCDataChannel * channel, GBytes * bytes, RtcPeer * peer)
{
  gsize size = 0;
  const gchar *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;

  gst_rtcbot_webrtc_bin_receive (peer->self, peer, data, size, FALSE);
}

static void
use_channel (RtcPeer * peer, GstWebRTCDataChannel * channel)
{
  GstWebRTCDataChannelState state;

  g_mutex_lock (&peer->lock);
  if (peer->channel || peer->removed) {
    g_mutex_unlock (&peer->lock);
    return;
  }
  peer->channel = g_object_ref (channel);
  g_mutex_unlock (&peer->lock);

  gst_rtcbot_webrtc_peer_connect (peer, channel, "on-open",
      G_CALLBACK (on_channel_open));
  gst_rtcbot_webrtc_peer_connect (peer, channel, "on-close",
      G_CALLBACK (on_channel_close));
  gst_rtcbot_webrtc_peer_connect (peer, channel, "on-error",
      G_CALLBACK (on_channel_error));
  gst_rtcbot_webrtc_peer_connect (peer, channel, "on-message-string",
      G_CALLBACK (on_message_string));
  gst_rtcbot_webrtc_peer_connect (peer, channel, "on-message-data",
      G_CALLBACK (on_message_data));
  g_object_get (channel, "ready-state", &state, NULL);
  if (state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    on_channel_open (channel, peer);
}

static void
on_data_channel (GstElement * webrtc, GstWebRTCDataChannel * channel,
    RtcPeer * peer)
{
  gchar *label = NULL;

  g_object_get (channel, "label", &label, NULL);
  GST_INFO_OBJECT (peer->self, "peer %u opened data channel \"%s\"",
      peer->id, GST_STR_NULL (label));
  /* RTCBot talks on "default"; other channels are not ours */
  if (g_strcmp0 (label, DEFAULT_CHANNEL_LABEL) == 0)
    use_channel (peer, channel);
  g_free (label);
}

/* Streaming thread of rtcbotsink or a data-channel thread. */
void
gst_rtcbot_webrtc_peer_send (RtcPeer * peer, GstSample * sample)
{
  GstWebRTCDataChannel *channel = NULL;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  gboolean binary = caps == NULL || gst_structure_has_name
      (gst_caps_get_structure (caps, 0), "application/octet-stream");
  GstMapInfo map;

  g_mutex_lock (&peer->lock);
  if (peer->channel_open && peer->channel)
    channel = g_object_ref (peer->channel);
  g_mutex_unlock (&peer->lock);
  if (channel == NULL || buffer == NULL)
    goto done;
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    goto done;

  if (binary) {
    GBytes *bytes = g_bytes_new (map.data, map.size);

    g_signal_emit_by_name (channel, "send-data", bytes);
    g_bytes_unref (bytes);
  } else {
    gchar *text = g_strndup ((const gchar *) map.data, map.size);

    g_signal_emit_by_name (channel, "send-string", text);
    g_free (text);
  }
  gst_buffer_unmap (buffer, &map);
done:
  if (channel)
    g_object_unref (channel);
}

/* ---------------------------------------------------------------------- */
/* connection state                                                       */

static const gchar *
enum_nick (GType type, gint value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const gchar *nick = v ? v->value_nick : "unknown";

  g_type_class_unref (klass);
  return nick;
}

static void
post_peer (RtcPeer * peer, const gchar * name)
{
  gst_rtcbot_bin_post (GST_RTCBOT_BIN (peer->self), gst_structure_new (name,
          "peer", G_TYPE_UINT, peer->id, "address", G_TYPE_STRING,
          peer->address, NULL));
}

static void
on_dtls_state (GstWebRTCDTLSTransport * dtls, GParamSpec * pspec,
    RtcPeer * peer)
{
  GstWebRTCDTLSTransportState state;

  g_object_get (dtls, "state", &state, NULL);
  if (state == GST_WEBRTC_DTLS_TRANSPORT_STATE_CLOSED) {
    g_mutex_lock (&peer->lock);
    peer->transport_closed = TRUE;
    g_cond_broadcast (&peer->cond);
    g_mutex_unlock (&peer->lock);
  }
  if (state == GST_WEBRTC_DTLS_TRANSPORT_STATE_CLOSED
      || state == GST_WEBRTC_DTLS_TRANSPORT_STATE_FAILED) {
    GST_INFO_OBJECT (peer->self, "peer %u: DTLS %s", peer->id,
        enum_nick (GST_TYPE_WEBRTC_DTLS_TRANSPORT_STATE, state));
    gst_rtcbot_webrtc_peer_remove (peer, "the peer closed its transport");
  }
}

/* takes @dtls */
static void
watch_dtls (RtcPeer * peer, GstWebRTCDTLSTransport * dtls)
{
  g_mutex_lock (&peer->lock);
  if (peer->removed || g_list_find (peer->watched, dtls)) {
    g_mutex_unlock (&peer->lock);
    gst_object_unref (dtls);
    return;
  }
  peer->watched = g_list_prepend (peer->watched, dtls);
  g_mutex_unlock (&peer->lock);
  gst_rtcbot_webrtc_peer_connect (peer, dtls, "notify::state",
      G_CALLBACK (on_dtls_state));
}

/* webrtcbin 1.22 keeps reporting "connected" after the peer closed; its
 * DTLS transports do see the close. */
static void
watch_transports (RtcPeer * peer)
{
  GstWebRTCSCTPTransport *sctp = NULL;
  GArray *transceivers = NULL;
  guint i;

  g_object_get (peer->webrtc, "sctp-transport", &sctp, NULL);
  if (sctp) {
    GstWebRTCDTLSTransport *dtls = NULL;

    g_object_get (sctp, "transport", &dtls, NULL);
    if (dtls)
      watch_dtls (peer, dtls);
    gst_object_unref (sctp);
  }
  g_signal_emit_by_name (peer->webrtc, "get-transceivers", &transceivers);
  for (i = 0; transceivers && i < transceivers->len; i++) {
    GstWebRTCRTPTransceiver *trans =
        g_array_index (transceivers, GstWebRTCRTPTransceiver *, i);
    GstWebRTCRTPSender *sender = NULL;
    GstWebRTCDTLSTransport *dtls = NULL;

    g_object_get (trans, "sender", &sender, NULL);
    if (sender)
      g_object_get (sender, "transport", &dtls, NULL);
    if (dtls)
      watch_dtls (peer, dtls);
    gst_clear_object (&sender);
  }
  if (transceivers)
    g_array_unref (transceivers);
}

static void
on_connection_state (GstElement * webrtc, GParamSpec * pspec, RtcPeer * peer)
{
  GstRtcbotWebrtcBin *self = peer->self;
  GstWebRTCPeerConnectionState state;
  GstWebRTCICEConnectionState ice;
  gboolean post = FALSE;

  g_object_get (webrtc, "connection-state", &state, "ice-connection-state",
      &ice, NULL);
  GST_INFO_OBJECT (self, "peer %u: connection %s, ICE %s", peer->id,
      enum_nick (GST_TYPE_WEBRTC_PEER_CONNECTION_STATE, state),
      enum_nick (GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, ice));

  switch (state) {
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED:
      g_mutex_lock (&peer->lock);
      if (!peer->connected_posted && !peer->removed)
        peer->connected_posted = post = TRUE;
      g_mutex_unlock (&peer->lock);
      if (post) {
        watch_transports (peer);
        post_peer (peer, "rtcbot-peer-connected");
        gst_rtcbot_webrtc_peer_request_keyframes (peer);
      }
      break;
    case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED:
      if (peer->offerer && gst_rtcbot_webrtc_bin_is_client (self)) {
        GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE,
            ("The WebRTC connection to %s failed (ICE connection state "
                "\"%s\"): no network path or DTLS handshake failed",
                peer->address, enum_nick (GST_TYPE_WEBRTC_ICE_CONNECTION_STATE,
                    ice)), (NULL));
      } else {
        GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ_WRITE,
            ("The WebRTC connection with %s failed (ICE connection state "
                "\"%s\"); dropping that peer", peer->address,
                enum_nick (GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, ice)), (NULL));
      }
      gst_rtcbot_webrtc_peer_remove (peer, "the connection failed");
      break;
    case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED:
      gst_rtcbot_webrtc_peer_remove (peer, "the connection closed");
      break;
    default:
      break;
  }
}

static void
on_pad_added (GstElement * webrtc, GstPad * pad, RtcPeer * peer)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  gst_rtcbot_webrtc_expose_received (peer->self, peer, pad);
}

/* ---------------------------------------------------------------------- */
/* media branches                                                         */

/* The payload type the offer gives @encoding in media section @media, or
 * -1. */
static gint
offered_pt (const GstSDPMedia * media, const gchar * encoding)
{
  guint i;

  for (i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
    gint pt;
    gchar name[32];

    if (g_strcmp0 (a->key, "rtpmap") != 0 || a->value == NULL)
      continue;
    if (sscanf (a->value, "%d %31[^/]", &pt, name) == 2
        && g_ascii_strcasecmp (name, encoding) == 0)
      return pt;
  }
  return -1;
}

/* The media section of @offer that should carry @input, or -1. */
static gint
offered_section (GstSDPMessage * offer, RtcInput * input,
    const gchar * encoding, guint64 * used, gint * pt)
{
  guint i;

  for (i = 0; i < gst_sdp_message_medias_len (offer) && i < 64; i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (offer, i);

    if (*used & (G_GUINT64_CONSTANT (1) << i))
      continue;
    if (g_strcmp0 (gst_sdp_media_get_media (media),
            input->video ? "video" : "audio") != 0)
      continue;
    if (gst_sdp_media_get_port (media) == 0
        || gst_sdp_media_get_attribute_val (media, "sendonly")
        || gst_sdp_media_get_attribute_val (media, "inactive"))
      continue;
    *pt = offered_pt (media, encoding);
    if (*pt < 0)
      continue;
    *used |= G_GUINT64_CONSTANT (1) << i;
    return i;
  }
  return -1;
}

#define TWCC_URI \
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

/* Whether @text is @word, blanks around it aside. */
static gboolean
is_word (const gchar * text, const gchar * word)
{
  gsize length = strlen (word);

  text += strspn (text, " \t");
  return strncmp (text, word, length) == 0
      && text[length + strspn (text + length, " \t\r\n")] == '\0';
}

/* The header extension id @media maps to transport-wide sequence numbers
 * when it also asks for transport-cc feedback on @pt, else 0. Attribute
 * values: "ID[/direction] URI" and "PT transport-cc". */
static guint
offered_twcc_id (const GstSDPMedia * media, gint pt)
{
  gboolean feedback = FALSE;
  guint i, id = 0;

  for (i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
    gchar *rest;
    gint64 number;

    if (a->value == NULL)
      continue;
    number = g_ascii_strtoll (a->value, &rest, 10);
    if (rest == a->value)
      continue;
    if (g_strcmp0 (a->key, "extmap") == 0 && number >= 1 && number <= 14) {
      rest += strcspn (rest, " ");
      if (is_word (rest, TWCC_URI))
        id = number;
    } else if (g_strcmp0 (a->key, "rtcp-fb") == 0 && number == pt) {
      feedback |= is_word (rest, "transport-cc");
    }
  }
  return feedback ? id : 0;
}

static void
branch_free (GstRtcbotWebrtcBin * self, RtcBranch * branch)
{
  GstBin *bin = GST_BIN_CAST (self);
  GstElement *first = branch->funnel ? branch->funnel : branch->queue;
  GstElement *elements[] = { branch->funnel, branch->queue, branch->pay };
  guint i;

  gst_rtcbot_webrtc_ladder_detach_branch (branch);
  if (branch->tee_pad) {
    GstPad *sink = gst_element_get_static_pad (first, "sink");

    gst_pad_unlink (branch->tee_pad, sink);
    gst_object_unref (sink);
    gst_element_release_request_pad (branch->input->tee, branch->tee_pad);
    gst_object_unref (branch->tee_pad);
  }
  for (i = 0; i < G_N_ELEMENTS (elements); i++) {
    if (elements[i] == NULL)
      continue;
    gst_element_set_locked_state (elements[i], TRUE);
    gst_element_set_state (elements[i], GST_STATE_NULL);
    gst_bin_remove (bin, elements[i]);
  }
  gst_clear_object (&branch->webrtc_pad);
  g_free (branch);
}

/* Links @input's tee to @peer's webrtcbin through a payloader for @pt;
 * @mline is the media section @offered to answer, -1 (and NULL) when
 * offering. Transport-wide sequence numbers are sent when the offer asks
 * for transport-cc: the payloader adds the header extension it finds in
 * the pad's caps, rtpsession numbers the packets and turns the peer's
 * feedback into the upstream event the bandwidth estimator reads. */
static gboolean
attach_input (RtcPeer * peer, RtcInput * input, const gchar * encoding,
    gint pt, gint mline, const GstSDPMedia * offered)
{
  gboolean answer_sendonly = offered
      && gst_sdp_media_get_attribute_val (offered, "recvonly") != NULL;
  guint twcc_id = offered ? offered_twcc_id (offered, pt) : 0;
  GstRtcbotWebrtcBin *self = peer->self;
  RtcBranch *branch = g_new0 (RtcBranch, 1);
  GstPadTemplate *templ;
  GstWebRTCRTPTransceiver *trans = NULL;
  GstCaps *caps = gst_rtcbot_webrtc_rtp_caps (encoding, pt);
  GstPad *queue_sink;
  gchar *name = NULL;

  if (twcc_id > 0) {
    gchar *field = g_strdup_printf ("extmap-%u", twcc_id);

    gst_caps_set_simple (caps, field, G_TYPE_STRING, TWCC_URI,
        "rtcp-fb-transport-cc", G_TYPE_BOOLEAN, TRUE, NULL);
    g_free (field);
  }

  branch->peer = peer;
  branch->input = input;
  branch->queue = gst_element_factory_make ("queue", NULL);
  branch->pay = gst_rtcbot_webrtc_payloader_new (encoding, pt);
  /* the layers of raw video meet here; one is passed */
  if (input->layers[0])
    branch->funnel = gst_element_factory_make ("funnel", NULL);
  if (!branch->queue || !branch->pay || (input->layers[0]
          && !branch->funnel)) {
    gst_clear_object (&branch->queue);
    gst_clear_object (&branch->pay);
    gst_clear_object (&branch->funnel);
    g_free (branch);
    gst_caps_unref (caps);
    GST_ELEMENT_WARNING (self, CORE, MISSING_PLUGIN,
        ("Cannot send %s: the RTP payloader is missing", encoding), (NULL));
    return FALSE;
  }
  /* a peer that cannot keep up loses frames instead of holding the others */
  g_object_set (branch->queue, "max-size-buffers", 0, "max-size-bytes", 0,
      "max-size-time", (guint64) 500 * GST_MSECOND, "leaky", 2, NULL);

  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS
      (peer->webrtc), "sink_%u");
  if (mline >= 0)
    name = g_strdup_printf ("sink_%d", mline);
  branch->webrtc_pad = gst_element_request_pad (peer->webrtc, templ, name,
      caps);
  g_free (name);
  if (branch->webrtc_pad == NULL) {
    GST_WARNING_OBJECT (self, "peer %u: webrtcbin gave no pad for %s",
        peer->id, encoding);
    gst_object_unref (branch->queue);
    gst_object_unref (branch->pay);
    gst_clear_object (&branch->funnel);
    g_free (branch);
    gst_caps_unref (caps);
    return FALSE;
  }
  g_object_get (branch->webrtc_pad, "transceiver", &trans, NULL);
  if (trans) {
    g_object_set (trans, "codec-preferences", caps, "direction",
        answer_sendonly ? GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY :
        GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
    gst_object_unref (trans);
  }
  gst_caps_unref (caps);

  gst_bin_add_many (GST_BIN_CAST (self), branch->queue, branch->pay, NULL);
  gst_element_link (branch->queue, branch->pay);
  {
    GstPad *pay_src = gst_element_get_static_pad (branch->pay, "src");

    gst_pad_link (pay_src, branch->webrtc_pad);
    gst_object_unref (pay_src);
  }
  gst_rtcbot_webrtc_bandwidth_watch (peer, branch->pay, input->video,
      twcc_id > 0);
  gst_element_sync_state_with_parent (branch->pay);
  gst_element_sync_state_with_parent (branch->queue);

  if (branch->funnel) {
    gst_bin_add (GST_BIN_CAST (self), branch->funnel);
    gst_element_link (branch->funnel, branch->queue);
    gst_element_sync_state_with_parent (branch->funnel);
  } else {
    branch->tee_pad = gst_element_request_pad_simple (input->tee, "src_%u");
    queue_sink = gst_element_get_static_pad (branch->queue, "sink");
    gst_pad_link (branch->tee_pad, queue_sink);
    gst_object_unref (queue_sink);
  }
  gst_rtcbot_webrtc_ladder_attach_branch (branch);
  if (!input->video)
    gst_rtcbot_webrtc_peer_set_limits (peer);
  GST_INFO_OBJECT (self, "peer %u: sending %s (pt %d, section %d, "
      "transport-wide sequence numbers %s)", peer->id, encoding, pt, mline,
      twcc_id ? "on" : "off");
  return TRUE;
}

/* Inputs whose encoding is known, with a ref on nothing: inputs live as
 * long as their pads, which the application releases only when stopped. */
static GList *
ready_inputs (GstRtcbotWebrtcBin * self, GList ** encodings)
{
  GList *inputs = NULL, *l;

  GST_OBJECT_LOCK (self);
  for (l = self->inputs; l; l = l->next) {
    RtcInput *input = l->data;

    if (input->encoding) {
      inputs = g_list_append (inputs, input);
      *encodings = g_list_append (*encodings, g_strdup (input->encoding));
    }
  }
  GST_OBJECT_UNLOCK (self);
  return inputs;
}

/* What the audio sent to @peer takes of its link, bit/s. */
guint
gst_rtcbot_webrtc_peer_audio_bitrate (RtcPeer * peer)
{
  guint audio = 0;
  GList *l;

  g_mutex_lock (&peer->lock);
  for (l = peer->branches; l; l = l->next)
    if (!((RtcBranch *) l->data)->input->video)
      audio += ((RtcBranch *) l->data)->input->audio_bitrate;
  g_mutex_unlock (&peer->lock);
  return audio;
}

/* The estimator's limits for @peer: the video's bitrate properties, plus
 * its audio, over the video's share. */
void
gst_rtcbot_webrtc_peer_set_limits (RtcPeer * peer)
{
  GstRtcbotWebrtcBin *self = peer->self;
  guint audio = gst_rtcbot_webrtc_peer_audio_bitrate (peer);
  guint min_link, max_link;

  GST_OBJECT_LOCK (self);
  min_link = RTC_LINK_BITRATE ((gdouble) self->min_bitrate + audio);
  max_link = RTC_LINK_BITRATE ((gdouble) self->max_bitrate + audio);
  GST_OBJECT_UNLOCK (self);
  gst_rtcbot_congestion_set_limits (peer->cc, min_link, max_link);
}

void
gst_rtcbot_webrtc_peer_request_keyframes (RtcPeer * peer)
{
  GList *l, *sinks = NULL;

  /* the pads under the lock, the events without it: an event going
   * upstream waits for the encoder's stream lock */
  g_mutex_lock (&peer->lock);
  for (l = peer->branches; l; l = l->next) {
    RtcBranch *branch = l->data;

    if (branch->input->video)
      sinks = g_list_prepend (sinks,
          gst_rtcbot_webrtc_branch_keyframe_pad (branch));
  }
  g_mutex_unlock (&peer->lock);
  for (l = sinks; l; l = l->next)
    gst_pad_push_event (l->data,
        gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
            TRUE, 0));
  g_list_free_full (sinks, gst_object_unref);
}

/* ---------------------------------------------------------------------- */
/* negotiation                                                            */

/* Two settings of the peer's libnice agent, made before anything is
 * gathered:
 * - UPnP port mapping (gupnp-igd) is on by default: on a LAN it asks the
 *   router for nothing useful here, and every ICE agent left sockets and
 *   threads behind it after the peer was gone (about 20 fds per peer).
 * - Keepalives are binding indications by default, which need no answer,
 *   so a peer that vanished without a word (SIGKILL, power cut, Wi-Fi
 *   gone) was never noticed: webrtcbin 1.22 has no consent freshness.
 *   Binding requests must be answered, and when they are not the ICE
 *   component fails and the peer is dropped. */
static void
configure_ice_agent (GstElement * webrtc)
{
  GObject *ice = NULL, *agent = NULL;
  GObjectClass *agent_class;

  if (!g_object_class_find_property (G_OBJECT_GET_CLASS (webrtc), "ice-agent"))
    return;
  g_object_get (webrtc, "ice-agent", &ice, NULL);
  if (ice && g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    g_object_get (ice, "agent", &agent, NULL);
  if (agent) {
    agent_class = G_OBJECT_GET_CLASS (agent);
    if (g_object_class_find_property (agent_class, "upnp"))
      g_object_set (agent, "upnp", FALSE, NULL);
    if (g_object_class_find_property (agent_class, "keepalive-conncheck"))
      g_object_set (agent, "keepalive-conncheck", TRUE, NULL);
  }
  g_clear_object (&agent);
  g_clear_object (&ice);
}

/* any thread: a peer's estimate moved */
static void
on_target (GstRtcbotCongestion * cc, guint bitrate, gpointer user_data)
{
  gst_rtcbot_webrtc_bin_bitrate_changed (user_data);
}

RtcPeer *
gst_rtcbot_webrtc_peer_new (GstRtcbotWebrtcBin * self, const gchar * address,
    gboolean offerer, GError ** error)
{
  RtcPeer *peer;
  GstElement *webrtc = gst_element_factory_make ("webrtcbin", NULL);
  gchar *stun, *turn;
  guint latency, max_peers;

  if (webrtc == NULL) {
    gchar *text = gst_rtcbot_missing_element_text ("webrtcbin");

    g_set_error_literal (error, GST_CORE_ERROR,
        GST_CORE_ERROR_MISSING_PLUGIN, text);
    g_free (text);
    return NULL;
  }

  peer = g_new0 (RtcPeer, 1);
  peer->refcount = 1;
  peer->self = self;
  peer->address = g_strdup (address);
  peer->offerer = offerer;
  peer->webrtc = gst_object_ref_sink (webrtc);
  configure_ice_agent (webrtc);
  g_mutex_init (&peer->lock);
  g_cond_init (&peer->cond);

  GST_OBJECT_LOCK (self);
  max_peers = self->max_peers;
  if (!self->running || self->closed_for_good
      || (max_peers > 0 && g_list_length (self->peers) >= max_peers)) {
    gboolean full = self->running && !self->closed_for_good;

    GST_OBJECT_UNLOCK (self);
    if (full)
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY,
          "max-peers (%u) are connected", max_peers);
    else
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
          "the element is not running or is closed");
    gst_rtcbot_webrtc_peer_unref (peer);
    return NULL;
  }
  peer->id = self->next_peer_id++;
  self->peers = g_list_append (self->peers, gst_rtcbot_webrtc_peer_ref (peer));
  stun = g_strdup (self->stun_server);
  turn = g_strdup (self->turn_server);
  latency = self->latency;
  peer->cc = gst_rtcbot_congestion_new (RTC_LINK_BITRATE (self->min_bitrate),
      RTC_LINK_BITRATE (self->max_bitrate),
      RTC_LINK_BITRATE (self->start_bitrate));
  GST_OBJECT_UNLOCK (self);
  peer->stats_posted = GST_CLOCK_TIME_NONE;
  peer->keyframe_for_loss = GST_CLOCK_TIME_NONE;
  peer->video_ssrc = -1;
  peer->layer = -1;
  gst_rtcbot_congestion_set_target_func (peer->cc, on_target, self);

  g_object_set (webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE,
      "latency", latency, NULL);
  if (stun)
    g_object_set (webrtc, "stun-server", stun, NULL);
  if (turn)
    g_object_set (webrtc, "turn-server", turn, NULL);
  g_free (stun);
  g_free (turn);

  gst_rtcbot_webrtc_peer_connect (peer, webrtc, "on-data-channel",
      G_CALLBACK (on_data_channel));
  gst_rtcbot_webrtc_peer_connect (peer, webrtc, "pad-added",
      G_CALLBACK (on_pad_added));
  gst_rtcbot_webrtc_peer_connect (peer, webrtc, "notify::ice-gathering-state",
      G_CALLBACK (on_gathering_state));
  gst_rtcbot_webrtc_peer_connect (peer, webrtc, "notify::connection-state",
      G_CALLBACK (on_connection_state));

  gst_rtcbot_webrtc_bandwidth_attach (peer);
  gst_bin_add (GST_BIN_CAST (self), webrtc);
  gst_element_sync_state_with_parent (webrtc);
  GST_INFO_OBJECT (self, "peer %u (%s): %s", peer->id, address,
      offerer ? "offering" : "answering");
  return peer;
}

gchar *
gst_rtcbot_webrtc_peer_offer (RtcPeer * peer, GError ** error)
{
  GList *encodings = NULL;
  GList *inputs = ready_inputs (peer->self, &encodings), *l, *e;
  gboolean video = FALSE, audio = FALSE;
  GstStructure *options;
  GstWebRTCDataChannel *channel = NULL;
  GstWebRTCSessionDescription *offer;
  gboolean ok;

  for (l = inputs, e = encodings; l; l = l->next, e = e->next) {
    RtcInput *input = l->data;
    const gchar *encoding = e->data;
    gint pt = g_str_equal (encoding, "OPUS") ? OFFER_PT_OPUS :
        g_str_equal (encoding, "H264") ? OFFER_PT_H264 : OFFER_PT_VP8;

    if (attach_input (peer, input, encoding, pt, -1, NULL)) {
      video |= input->video;
      audio |= !input->video;
    }
  }
  g_list_free (inputs);
  g_list_free_full (encodings, g_free);

  /* RTCBot peers send what they were asked for: offer to receive both */
  if (!video || !audio) {
    GstWebRTCRTPTransceiver *trans = NULL;
    GstCaps *caps;

    if (!video) {
      caps = gst_rtcbot_webrtc_rtp_caps ("VP8", OFFER_PT_VP8);
      g_signal_emit_by_name (peer->webrtc, "add-transceiver",
          GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
      gst_caps_unref (caps);
      gst_clear_object (&trans);
    }
    if (!audio) {
      caps = gst_rtcbot_webrtc_rtp_caps ("OPUS", OFFER_PT_OPUS);
      g_signal_emit_by_name (peer->webrtc, "add-transceiver",
          GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
      gst_caps_unref (caps);
      gst_clear_object (&trans);
    }
  }

  options = gst_structure_new ("options", "ordered", G_TYPE_BOOLEAN, TRUE,
      NULL);
  g_signal_emit_by_name (peer->webrtc, "create-data-channel",
      DEFAULT_CHANNEL_LABEL, options, &channel);
  gst_structure_free (options);
  if (channel == NULL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "webrtcbin could not create the \"default\" data channel");
    return NULL;
  }
  use_channel (peer, channel);
  g_object_unref (channel);

  offer = webrtc_create (peer, "create-offer", "offer", error);
  if (offer == NULL)
    return NULL;
  ok = webrtc_call_simple (peer, "set-local-description", offer, error);
  gst_webrtc_session_description_free (offer);
  if (!ok)
    return NULL;
  return local_description_when_gathered (peer);
}

/* aiortc (RTCBot's Python side) lists its sections in a BUNDLE group yet
 * gives each its own ICE credentials, which webrtcbin refuses; without the
 * group each section is simply its own transport. */
static void
drop_unusable_bundle (RtcPeer * peer, GstSDPMessage * offer)
{
  const gchar *first = NULL;
  gboolean differ = FALSE;
  guint i;

  for (i = 0; i < gst_sdp_message_medias_len (offer); i++) {
    const gchar *ufrag = gst_sdp_media_get_attribute_val
        (gst_sdp_message_get_media (offer, i), "ice-ufrag");

    if (ufrag == NULL)
      ufrag = gst_sdp_message_get_attribute_val (offer, "ice-ufrag");
    if (first == NULL)
      first = ufrag;
    else if (g_strcmp0 (first, ufrag) != 0)
      differ = TRUE;
  }
  if (!differ)
    return;
  for (i = gst_sdp_message_attributes_len (offer); i > 0; i--) {
    const GstSDPAttribute *a = gst_sdp_message_get_attribute (offer, i - 1);

    if (g_strcmp0 (a->key, "group") == 0 && a->value
        && g_str_has_prefix (a->value, "BUNDLE")) {
      GST_INFO_OBJECT (peer->self, "peer %u: sections of the BUNDLE group "
          "have different ICE credentials; answering without bundling",
          peer->id);
      gst_sdp_message_remove_attribute (offer, i - 1);
    }
  }
}

gchar *
gst_rtcbot_webrtc_peer_answer (RtcPeer * peer, GstSDPMessage * offer_sdp,
    GError ** error)
{
  GstWebRTCSessionDescription *offer, *answer, *remote = NULL;
  GList *encodings = NULL;
  GList *inputs, *l, *e;
  guint64 used = 0;
  gboolean ok;

  drop_unusable_bundle (peer, offer_sdp);
  offer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER,
      offer_sdp);
  ok = webrtc_call_simple (peer, "set-remote-description", offer, error);
  gst_webrtc_session_description_free (offer);
  if (!ok)
    return NULL;

  /* the offer as webrtcbin keeps it: section indices match its mlines */
  g_object_get (peer->webrtc, "remote-description", &remote, NULL);
  inputs = ready_inputs (peer->self, &encodings);
  for (l = inputs, e = encodings; remote && l; l = l->next, e = e->next) {
    RtcInput *input = l->data;
    gint pt = -1, mline;

    mline = offered_section (remote->sdp, input, e->data, &used, &pt);
    if (mline >= 0) {
      const GstSDPMedia *media = gst_sdp_message_get_media (remote->sdp,
          mline);

      attach_input (peer, input, e->data, pt, mline, media);
    } else {
      GST_INFO_OBJECT (peer->self, "peer %u does not take %s", peer->id,
          (gchar *) e->data);
    }
  }
  if (remote)
    gst_webrtc_session_description_free (remote);
  g_list_free (inputs);
  g_list_free_full (encodings, g_free);

  answer = webrtc_create (peer, "create-answer", "answer", error);
  if (answer == NULL)
    return NULL;
  ok = webrtc_call_simple (peer, "set-local-description", answer, error);
  gst_webrtc_session_description_free (answer);
  if (!ok)
    return NULL;
  return local_description_when_gathered (peer);
}

gboolean
gst_rtcbot_webrtc_peer_apply_answer (RtcPeer * peer, GstSDPMessage * sdp,
    GError ** error)
{
  GstWebRTCSessionDescription *answer;
  gboolean ok;

  answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  ok = webrtc_call_simple (peer, "set-remote-description", answer, error);
  gst_webrtc_session_description_free (answer);
  return ok;
}

/* The peer whose webrtcbin holds @object, with a ref; NULL when none. */
RtcPeer *
gst_rtcbot_webrtc_peer_find (GstRtcbotWebrtcBin * self, GstObject * object)
{
  RtcPeer *found = NULL;
  GstObject *o = gst_object_ref (object);

  while (o && found == NULL) {
    GstObject *parent;
    GList *l;

    GST_OBJECT_LOCK (self);
    for (l = self->peers; l; l = l->next)
      if (GST_OBJECT_CAST (((RtcPeer *) l->data)->webrtc) == o)
        found = gst_rtcbot_webrtc_peer_ref (l->data);
    GST_OBJECT_UNLOCK (self);
    parent = gst_object_get_parent (o);
    gst_object_unref (o);
    o = parent;
  }
  if (o)
    gst_object_unref (o);
  return found;
}

/* ---------------------------------------------------------------------- */
/* removal                                                                */

typedef struct
{
  RtcPeer *peer;
  gchar *why;
} Removal;

static void
removal_run (GstElement * element, gpointer user_data)
{
  Removal *removal = user_data;

  GST_INFO_OBJECT (element, "peer %u leaves: %s", removal->peer->id,
      removal->why);
  gst_rtcbot_webrtc_peer_remove_now (removal->peer);
}

static void
removal_free (gpointer user_data)
{
  Removal *removal = user_data;

  gst_rtcbot_webrtc_peer_unref (removal->peer);
  g_free (removal->why);
  g_free (removal);
}

/* From any thread, webrtcbin's own included: the peer is taken down on
 * another thread, since webrtcbin cannot be stopped from its own. */
void
gst_rtcbot_webrtc_peer_remove (RtcPeer * peer, const gchar * why)
{
  Removal *removal;

  g_mutex_lock (&peer->lock);
  if (peer->removed) {
    g_mutex_unlock (&peer->lock);
    return;
  }
  g_mutex_unlock (&peer->lock);

  removal = g_new0 (Removal, 1);
  removal->peer = gst_rtcbot_webrtc_peer_ref (peer);
  removal->why = g_strdup (why);
  gst_element_call_async (GST_ELEMENT_CAST (peer->self), removal_run, removal,
      removal_free);
}

/* From any thread, the streaming thread that saw the error of @peer's
 * webrtcbin included: the peer is removed, and the error reported unless
 * the peer turns out to have closed. */
void
gst_rtcbot_webrtc_peer_fail (RtcPeer * peer, const gchar * why)
{
  gboolean first;

  g_mutex_lock (&peer->lock);
  first = peer->failure == NULL && !peer->removing && !peer->removed;
  if (first)
    peer->failure = g_strdup (why);
  g_mutex_unlock (&peer->lock);
  if (!first) {
    /* an error of its going down, or one more of the same breakage */
    GST_INFO_OBJECT (peer->self, "peer %u: %s", peer->id, why);
    return;
  }
  gst_rtcbot_webrtc_peer_remove (peer, "its transport failed");
}

/* How long a removal waits for a data-channel message that is inside
 * sctpenc to come out of it. */
#define SCTP_QUIESCE_TIMEOUT_US (1 * G_USEC_PER_SEC)

static GstPadProbeReturn
drop_data (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  return GST_PAD_PROBE_DROP;
}

/* Nothing more enters @pad; a push already in it (holding its stream
 * lock) is given until the deadline at @user_data to finish. */
static void
quiesce_pad (const GValue * item, gpointer user_data)
{
  GstPad *pad = g_value_get_object (item);
  gint64 end = *(gint64 *) user_data;
  gboolean locked;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, drop_data, NULL, NULL);
  while (!(locked = GST_PAD_STREAM_TRYLOCK (pad))
      && g_get_monotonic_time () < end)
    g_usleep (1000);
  if (locked)
    GST_PAD_STREAM_UNLOCK (pad);
}

static void
quiesce_sctpenc (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);
  GstElementFactory *factory = gst_element_get_factory (element);
  GstIterator *pads;

  if (factory == NULL || g_strcmp0 (GST_OBJECT_NAME (factory), "sctpenc") != 0)
    return;
  GST_DEBUG_OBJECT (element, "taking no more data channel messages");
  pads = gst_element_iterate_sink_pads (element);
  while (gst_iterator_foreach (pads, quiesce_pad,
          user_data) == GST_ITERATOR_RESYNC)
    gst_iterator_resync (pads);
  gst_iterator_free (pads);
}

/* webrtcbin 1.22 stops its SCTP association (sctpenc leaving PAUSED)
 * while a data channel's appsrc thread may still be pushing a message
 * into sctpenc, which then crashes in usrsctp: before the peer's webrtcbin
 * goes down, sctpenc takes nothing more and what it is sending finishes. */
static void
quiesce_sctp (GstElement * webrtc)
{
  GstIterator *elements = gst_bin_iterate_recurse (GST_BIN (webrtc));
  /* one deadline for all the pads */
  gint64 end = g_get_monotonic_time () + SCTP_QUIESCE_TIMEOUT_US;

  while (gst_iterator_foreach (elements, quiesce_sctpenc, &end) ==
      GST_ITERATOR_RESYNC)
    gst_iterator_resync (elements);
  gst_iterator_free (elements);
}

void
gst_rtcbot_webrtc_peer_remove_now (RtcPeer * peer)
{
  GstRtcbotWebrtcBin *self = peer->self;
  GList *branches, *exposed, *decoders, *watched, *l;
  GstWebRTCDataChannel *channel;
  gboolean was_open, was_connected, listed;
  gchar *failure = NULL;

  g_mutex_lock (&peer->lock);
  if (peer->removed || peer->removing) {
    g_mutex_unlock (&peer->lock);
    return;
  }
  peer->removing = TRUE;
  /* closing the channel tells the other side at once; without it the peer
   * would learn only when its transport times out. Over a transport that
   * the peer closed nothing arrives: no waiting for it. */
  channel = peer->channel_open && !peer->channel_closed
      && !peer->transport_closed ? g_object_ref (peer->channel) : NULL;
  g_mutex_unlock (&peer->lock);
  if (channel) {
    gint64 end = g_get_monotonic_time () + CHANNEL_CLOSE_TIMEOUT_US;

    g_signal_emit_by_name (channel, "close");
    g_mutex_lock (&peer->lock);
    while (!peer->channel_closed && !peer->transport_closed)
      if (!g_cond_wait_until (&peer->cond, &peer->lock, end))
        break;
    g_mutex_unlock (&peer->lock);
    g_object_unref (channel);
  }

  g_mutex_lock (&peer->lock);
  /* A peer that closes (aiortc's and browsers' close()) aborts its SCTP
   * association, which webrtcbin 1.22 reports as an error, and then sends
   * its DTLS close_notify: the connection broke only when that does not
   * follow. */
  if (peer->failure) {
    gint64 end = g_get_monotonic_time () + CHANNEL_CLOSE_TIMEOUT_US;

    while (!peer->transport_closed)
      if (!g_cond_wait_until (&peer->cond, &peer->lock, end))
        break;
    if (!peer->transport_closed)
      failure = g_strdup (peer->failure);
    else
      GST_INFO_OBJECT (self, "peer %u closed its connection (%s, then DTLS "
          "close_notify)", peer->id, peer->failure);
  }
  peer->removed = TRUE;
  g_cond_broadcast (&peer->cond);
  branches = peer->branches;
  exposed = peer->exposed;
  decoders = peer->decoders;
  channel = peer->channel;
  was_open = peer->channel_open;
  was_connected = peer->connected_posted;
  peer->branches = peer->exposed = peer->decoders = NULL;
  peer->channel = NULL;
  peer->channel_open = FALSE;
  g_mutex_unlock (&peer->lock);

  GST_OBJECT_LOCK (self);
  if (self->offering == peer)
    self->offering = NULL;
  GST_OBJECT_UNLOCK (self);

  if (failure) {
    GST_ELEMENT_WARNING (self, RESOURCE, READ,
        ("The connection with %s broke (%s); dropping that peer",
            peer->address, failure), (NULL));
    g_free (failure);
  }

  if (channel)
    g_signal_handlers_disconnect_by_data (channel, peer);
  g_mutex_lock (&peer->lock);
  watched = peer->watched;
  peer->watched = NULL;
  g_mutex_unlock (&peer->lock);
  for (l = watched; l; l = l->next)
    g_signal_handlers_disconnect_by_data (l->data, peer);
  g_list_free_full (watched, g_object_unref);
  g_signal_handlers_disconnect_by_data (peer->webrtc, peer);
  /* webrtcbin first: a branch's queue may be pushing into one of its sinks
   * that waits for preroll (the pipeline going to PAUSED at this moment),
   * and only that sink's flushing lets the queue's task stop */
  quiesce_sctp (peer->webrtc);
  gst_element_set_locked_state (peer->webrtc, TRUE);
  gst_element_set_state (peer->webrtc, GST_STATE_NULL);
  gst_bin_remove (GST_BIN_CAST (self), peer->webrtc);
  /* only now: webrtcbin 1.22 lets go of a closed channel while the
   * channel's appsrc still runs, whose probe and messages use the channel
   * (a crash once ours was the last reference) */
  if (channel)
    g_object_unref (channel);

  for (l = branches; l; l = l->next)
    branch_free (self, l->data);
  g_list_free (branches);

  /* listed until now: errors of its going down are recognised as its own */
  GST_OBJECT_LOCK (self);
  listed = g_list_find (self->peers, peer) != NULL;
  self->peers = g_list_remove (self->peers, peer);
  GST_OBJECT_UNLOCK (self);
  /* the encoders no longer hold back, or reach out, for this one */
  gst_rtcbot_webrtc_bin_bitrate_changed (self);

  /* the decoders stop first, so nothing is pushed after the EOS that ends
   * each received stream downstream (a recording there is finalised, and
   * a pipeline ending with the peers reaches EOS) */
  for (l = decoders; l; l = l->next) {
    gst_element_set_locked_state (l->data, TRUE);
    gst_element_set_state (l->data, GST_STATE_NULL);
  }
  for (l = exposed; l; l = l->next) {
    gst_pad_push_event (l->data, gst_event_new_eos ());
    gst_pad_set_active (l->data, FALSE);
    gst_element_remove_pad (GST_ELEMENT_CAST (self), l->data);
  }
  g_list_free_full (exposed, gst_object_unref);
  for (l = decoders; l; l = l->next)
    gst_bin_remove (GST_BIN_CAST (self), l->data);
  g_list_free_full (decoders, gst_object_unref);

  if (was_open)
    gst_rtcbot_webrtc_bin_channel_closed (self);
  if (was_connected)
    post_peer (peer, "rtcbot-peer-closed");
  if (listed)
    gst_rtcbot_webrtc_peer_unref (peer);
}
