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


/* Each peer's bandwidth estimate (gstrtcbotcongestion.c), fed from what
 * that peer sends back, and the video encoders driven by the estimates. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/rtp/rtp.h>

#include "gstrtcbotwebrtcbinprivate.h"

/* seconds between 1900 (NTP) and 1970 (Unix) */
#define NTP_UNIX_OFFSET G_GUINT64_CONSTANT (2208988800)
#define STATS_INTERVAL GST_SECOND

static gboolean
is_video_ssrc (RtcPeer * peer, guint32 ssrc)
{
  gboolean video;

  g_mutex_lock (&peer->lock);
  video = peer->video_ssrc == ssrc;
  g_mutex_unlock (&peer->lock);
  return video;
}

static gboolean
peer_sends_ssrc (RtcPeer * peer, guint32 ssrc)
{
  gboolean known = FALSE;
  guint i;

  g_mutex_lock (&peer->lock);
  for (i = 0; i < peer->n_ssrcs && !known; i++)
    known = peer->ssrcs[i] == ssrc;
  g_mutex_unlock (&peer->lock);
  return known;
}

/* Whether a report block on @ssrc refers to a sender report no round trip
 * was measured from yet. A peer that has not received our sender reports
 * lately refers to the last it had, with its delay since then: the round
 * trip comes out as the one of that old report, however the path has
 * changed since (a queue long drained would still read as full). */
static gboolean
report_is_fresh (RtcPeer * peer, guint32 ssrc, guint32 lsr)
{
  gboolean fresh = FALSE;
  guint i;

  g_mutex_lock (&peer->lock);
  for (i = 0; i < peer->n_ssrcs; i++) {
    if (peer->ssrcs[i] == ssrc) {
      fresh = peer->measured_lsrs[i] != lsr;
      peer->measured_lsrs[i] = lsr;
      break;
    }
  }
  g_mutex_unlock (&peer->lock);
  return fresh;
}

/* The middle 32 bits of the NTP time now, as in RTCP's LSR and DLSR. */
static guint32
ntp_now_short (void)
{
  gint64 now = g_get_real_time ();
  guint64 seconds = now / G_USEC_PER_SEC + NTP_UNIX_OFFSET;
  guint64 fraction = ((guint64) (now % G_USEC_PER_SEC) << 32) / G_USEC_PER_SEC;

  return (guint32) (((seconds & 0xffff) << 16) | (fraction >> 16));
}

static void
receive_report_blocks (RtcPeer * peer, GstRTCPPacket * packet, GstClockTime now)
{
  guint i, n = gst_rtcp_packet_get_rb_count (packet);

  for (i = 0; i < n; i++) {
    guint32 ssrc, exthighestseq, jitter, lsr, dlsr;
    guint8 fraction_lost;
    gint32 packets_lost;
    GstClockTime rtt = GST_CLOCK_TIME_NONE;

    gst_rtcp_packet_get_rb (packet, i, &ssrc, &fraction_lost, &packets_lost,
        &exthighestseq, &jitter, &lsr, &dlsr);
    /* blocks about streams that are not ours say nothing of this link */
    if (!peer_sends_ssrc (peer, ssrc))
      continue;
    if (lsr != 0 && report_is_fresh (peer, ssrc, lsr)) {
      guint32 elapsed = ntp_now_short () - lsr - dlsr;

      rtt = gst_util_uint64_scale (elapsed, GST_SECOND, 65536);
    }
    gst_rtcbot_congestion_on_receiver_report (peer->cc, now, fraction_lost,
        is_video_ssrc (peer, ssrc) ? (gint32) (exthighestseq & 0xffff) : -1,
        rtt);
  }
}

static void
receive_remb (RtcPeer * peer, GstRTCPPacket * packet, GstClockTime now)
{
  guint8 *fci = gst_rtcp_packet_fb_get_fci (packet);
  guint length = gst_rtcp_packet_fb_get_fci_length (packet) * 4, i, n;
  guint32 ssrcs[16];
  guint64 bitrate;

  if (fci == NULL || !gst_rtcbot_congestion_parse_remb (fci, length,
          &bitrate, ssrcs, G_N_ELEMENTS (ssrcs), &n))
    return;
  for (i = 0; i < n; i++) {
    if (peer_sends_ssrc (peer, ssrcs[i])) {
      gst_rtcbot_congestion_on_remb (peer->cc, now, bitrate);
      return;
    }
  }
}

/* rtpsession's thread: every RTCP packet the peer sends, before the
 * session reads it. */
#define KEYFRAME_FOR_LOSS (GST_SECOND)

/* A generic NACK says packets were lost: for a peer without transport-wide
 * feedback the first word of congestion (see
 * gst_rtcbot_congestion_on_nack()). Video is never retransmitted: a peer
 * asking for lost packets can only go on from a keyframe. Asking for one
 * at once shortens the freeze to a round trip instead of the peer's own
 * wait before it sends a picture loss indication; at most once per
 * KEYFRAME_FOR_LOSS, so that keyframes do not feed the congestion that
 * lost the packets, and only for a peer alone on its video layer (a
 * keyframe of a shared layer would cost the peers on good links a burst
 * for another's losses) whose transport-wide feedback shows the queue
 * before it drops: without it the losses are the first sign, and a
 * keyframe then lands in a queue that is already dropping. The peer's own
 * picture loss indication still gets one. */
static void
receive_nack (RtcPeer * peer, GstRTCPPacket * packet, GstClockTime now)
{
  gboolean due;

  if (!is_video_ssrc (peer, gst_rtcp_packet_fb_get_media_ssrc (packet)))
    return;
  gst_rtcbot_congestion_on_nack (peer->cc, now,
      gst_rtcp_packet_fb_get_fci (packet),
      gst_rtcp_packet_fb_get_fci_length (packet) * 4);
  if (gst_rtcbot_webrtc_ladder_shared (peer)
      || !gst_rtcbot_congestion_has_transport_feedback (peer->cc))
    return;
  g_mutex_lock (&peer->lock);
  due = !GST_CLOCK_TIME_IS_VALID (peer->keyframe_for_loss)
      || now < peer->keyframe_for_loss
      || now - peer->keyframe_for_loss >= KEYFRAME_FOR_LOSS;
  if (due)
    peer->keyframe_for_loss = now;
  g_mutex_unlock (&peer->lock);
  if (due) {
    GST_DEBUG_OBJECT (peer->self, "peer %u lost packets: keyframe", peer->id);
    gst_rtcbot_webrtc_peer_request_keyframes (peer);
  }
}

static void
on_receiving_rtcp (GObject * session, GstBuffer * buffer, RtcPeer * peer)
{
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet;
  GstClockTime now = gst_util_get_timestamp ();
  gboolean more;

  if (!gst_rtcp_buffer_validate_reduced (buffer)
      || !gst_rtcp_buffer_map (buffer, GST_MAP_READ, &rtcp))
    return;
  for (more = gst_rtcp_buffer_get_first_packet (&rtcp, &packet); more;
      more = gst_rtcp_packet_move_to_next (&packet)) {
    switch (gst_rtcp_packet_get_type (&packet)) {
      case GST_RTCP_TYPE_SR:
      case GST_RTCP_TYPE_RR:
        receive_report_blocks (peer, &packet, now);
        break;
      case GST_RTCP_TYPE_PSFB:
        if (gst_rtcp_packet_fb_get_type (&packet) == GST_RTCP_PSFB_TYPE_AFB)
          receive_remb (peer, &packet, now);
        break;
      case GST_RTCP_TYPE_RTPFB:
        if (gst_rtcp_packet_fb_get_type (&packet) == GST_RTCP_RTPFB_TYPE_NACK)
          receive_nack (peer, &packet, now);
        break;
      default:
        break;
    }
  }
  gst_rtcp_buffer_unmap (&rtcp);
}

/* Connects @callback of @instance for as long as the peer lives: the
 * handler is disconnected when the peer is removed (it holds a ref on the
 * peer, and the peer on its webrtcbin, which holds @instance). */
static void
watch_signal (RtcPeer * peer, GObject * instance, const gchar * signal,
    GCallback callback)
{
  g_mutex_lock (&peer->lock);
  if (peer->removing || peer->removed) {
    g_mutex_unlock (&peer->lock);
    return;
  }
  peer->watched = g_list_prepend (peer->watched, g_object_ref (instance));
  g_mutex_unlock (&peer->lock);
  gst_rtcbot_webrtc_peer_connect (peer, instance, signal, callback);
}

/* rtpbin: a source appeared in @session_id; the first time, listen to that
 * session's incoming RTCP. */
static void
on_new_ssrc (GstElement * rtpbin, guint session_id, guint ssrc, RtcPeer * peer)
{
  GObject *session = NULL;

  if (session_id >= 64)
    return;
  g_mutex_lock (&peer->lock);
  if (peer->rtcp_sessions & (G_GUINT64_CONSTANT (1) << session_id)) {
    g_mutex_unlock (&peer->lock);
    return;
  }
  peer->rtcp_sessions |= G_GUINT64_CONSTANT (1) << session_id;
  g_mutex_unlock (&peer->lock);

  g_signal_emit_by_name (rtpbin, "get-internal-session", session_id, &session);
  if (session == NULL)
    return;
  watch_signal (peer, session, "on-receiving-rtcp",
      G_CALLBACK (on_receiving_rtcp));
  g_object_unref (session);
}

/* A receiver report gives a round trip only from the sender report it
 * answers, and a peer answers the last it had until the next comes: with
 * rtpsession's 5 s between reports, a peer without transport-wide
 * feedback (aiortc) would show a queue seconds late, or long after it
 * drained. Browsers report on video every second; so do we. */
#define SENDER_REPORT_INTERVAL GST_SECOND

/* rtpbin: an element added, a session among them. Set as it is created,
 * before it has sources or runs: the interval set on a running session
 * makes it report at once, while its sources are being added from the
 * streaming threads. */
static void
on_rtpbin_element_added (GstBin * rtpbin, GstElement * element, RtcPeer * peer)
{
  GstElementFactory *factory = gst_element_get_factory (element);

  if (factory && g_str_equal (GST_OBJECT_NAME (factory), "rtpsession"))
    g_object_set (element, "rtcp-min-interval",
        (guint64) SENDER_REPORT_INTERVAL, NULL);
}

void
gst_rtcbot_webrtc_bandwidth_attach (RtcPeer * peer)
{
  GstElement *rtpbin = gst_bin_get_by_name (GST_BIN_CAST (peer->webrtc),
      "rtpbin");

  if (rtpbin == NULL) {
    GST_WARNING_OBJECT (peer->self, "peer %u: no rtpbin in webrtcbin: no "
        "bandwidth estimate", peer->id);
    return;
  }
  watch_signal (peer, G_OBJECT (rtpbin), "on-new-ssrc",
      G_CALLBACK (on_new_ssrc));
  watch_signal (peer, G_OBJECT (rtpbin), "element-added",
      G_CALLBACK (on_rtpbin_element_added));
  gst_object_unref (rtpbin);
}

/* ---------------------------------------------------------------------- */
/* what is sent, and transport-wide feedback coming back upstream          */

static void
remember_ssrc (RtcPeer * peer, GstBuffer * buffer, gboolean video)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint32 ssrc;
  guint i;

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return;
  ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  gst_rtp_buffer_unmap (&rtp);

  g_mutex_lock (&peer->lock);
  for (i = 0; i < peer->n_ssrcs; i++)
    if (peer->ssrcs[i] == ssrc)
      break;
  if (i == peer->n_ssrcs && i < G_N_ELEMENTS (peer->ssrcs))
    peer->ssrcs[peer->n_ssrcs++] = ssrc;
  if (video)
    peer->video_ssrc = ssrc;
  g_mutex_unlock (&peer->lock);
}

/* rtpsession reports each packet's payload size, which is 0 for the
 * padding-only packets of probes: @padding_size is what those weigh. */
static void
receive_twcc (RtcPeer * peer, const GstStructure * s, guint padding_size)
{
  const GValue *list = gst_structure_get_value (s, "packets");
  GstRtcbotCongestionPacket *packets;
  GValueArray *array;
  guint i, n = 0;

  /* rtpsession's event carries a GValueArray */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS;
  if (list == NULL || !G_VALUE_HOLDS (list, g_value_array_get_type ()))
    return;
  array = g_value_get_boxed (list);
  packets = g_new0 (GstRtcbotCongestionPacket, array ? array->n_values : 0);
  for (i = 0; array && i < array->n_values; i++) {
    const GValue *v = g_value_array_get_nth (array, i);
    const GstStructure *p;
    guint64 local = GST_CLOCK_TIME_NONE, remote = GST_CLOCK_TIME_NONE;
    guint size = 0;
    gboolean lost = FALSE;

    if (!GST_VALUE_HOLDS_STRUCTURE (v))
      continue;
    p = gst_value_get_structure (v);
    gst_structure_get (p, "local-ts", G_TYPE_UINT64, &local, "remote-ts",
        G_TYPE_UINT64, &remote, "size", G_TYPE_UINT, &size, "lost",
        G_TYPE_BOOLEAN, &lost, NULL);
    packets[n].send_time = local;
    packets[n].arrival_time = lost ? GST_CLOCK_TIME_NONE : remote;
    packets[n].size = size > 0 ? size : padding_size;
    n++;
  }
  G_GNUC_END_IGNORE_DEPRECATIONS;
  gst_rtcbot_congestion_on_packets (peer->cc, gst_util_get_timestamp (),
      packets, n);
  g_free (packets);
}

static void
post_stats_when_due (RtcPeer * peer, GstClockTime now)
{
  GstStructure *stats;

  g_mutex_lock (&peer->lock);
  if (GST_CLOCK_TIME_IS_VALID (peer->stats_posted)
      && now - peer->stats_posted < STATS_INTERVAL) {
    g_mutex_unlock (&peer->lock);
    return;
  }
  peer->stats_posted = now;
  g_mutex_unlock (&peer->lock);

  /* first, so that the stats show the encoder as it now is */
  gst_rtcbot_webrtc_bin_bitrate_changed (peer->self);
  stats = gst_rtcbot_webrtc_peer_stats (peer);
  GST_LOG_OBJECT (peer->self, "%" GST_PTR_FORMAT, stats);
  gst_rtcbot_bin_post (GST_RTCBOT_BIN (peer->self), stats);
}

/* ---------------------------------------------------------------------- */
/* probes: padding between frames                                         */

/* Video leaves no faster than the peer's estimated bandwidth: a keyframe
 * or a burst waits here rather than in the queue of the bottleneck, where
 * the data channel's messages would wait behind it. A backlog of more
 * than this is let go (the branch's leaky queue drops frames upstream). */
#define MAX_PACING_DELAY (400 * GST_MSECOND)

/* RTP padding is counted in one byte */
#define PADDING_PER_PACKET 255
/* a burst larger than this waits for the next frame gap */
#define MAX_PADDING_PACKETS 40

/* One payloader's stream to one peer. Padding packets take sequence
 * numbers inside the stream, so every packet after them is renumbered:
 * the peer sees one gapless sequence. Used from the payloader's streaming
 * thread only. */
typedef struct
{
  RtcPeer *peer;
  gboolean paced;               /* video */
  gboolean probing;             /* video sent with transport-wide numbers */
  gboolean numbered;            /* video sent without them: NACKs and
                                 * reports are read by sequence number */
  guint16 seq_shift;
  gboolean frame_ended;         /* the last packet had the marker bit */
  guint32 last_timestamp;
  guint padding_size;           /* bytes of one padding packet */
  GstClockTime next_send;       /* pacing: when the next packet may leave */
} RtcWatch;

static void
watch_free (gpointer data)
{
  RtcWatch *watch = data;

  gst_rtcbot_webrtc_peer_unref (watch->peer);
  g_free (watch);
}

/* A padding-only packet: @model's header (SSRC, payload type, header
 * extensions, which rtpsession fills with the transport-wide number)
 * followed by @size bytes of padding. */
static GstBuffer *
padding_packet (GstRTPBuffer * model, guint16 seq, guint32 timestamp,
    guint size)
{
  guint header = gst_rtp_buffer_get_header_len (model);
  GstBuffer *buffer = gst_buffer_copy_region (model->buffer,
      GST_BUFFER_COPY_MEMORY | GST_BUFFER_COPY_DEEP, 0, header);
  GstMemory *padding = gst_allocator_alloc (NULL, size, NULL);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  GstMapInfo map;

  gst_memory_map (padding, &map, GST_MAP_WRITE);
  memset (map.data, 0, size);
  map.data[size - 1] = size;
  gst_memory_unmap (padding, &map);
  gst_buffer_append_memory (buffer, padding);

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  /* the padding bit: rtp_buffer_map insists on it matching the last byte */
  map.data[0] |= 0x20;
  gst_buffer_unmap (buffer, &map);
  if (gst_rtp_buffer_map (buffer, GST_MAP_WRITE, &rtp)) {
    gst_rtp_buffer_set_marker (&rtp, FALSE);
    gst_rtp_buffer_set_seq (&rtp, seq);
    gst_rtp_buffer_set_timestamp (&rtp, timestamp);
    gst_rtp_buffer_unmap (&rtp);
  }
  return buffer;
}

/* @buffer as the peer must see it, shifted past the padding sent so far;
 * sends a probe's padding first when @buffer starts a frame and @may_pad
 * (padding cannot go between the packets of a list, which leave
 * together). Returns the bytes sent, padding included. */
static guint
pass_packet (RtcWatch * watch, GstPad * pad, GstBuffer ** buffer,
    gboolean may_pad, GstClockTime now)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint bytes = gst_buffer_get_size (*buffer), padding = 0;
  GstBufferList *burst = NULL;
  guint16 seq;

  if (watch->seq_shift == 0 && !watch->probing)
    return bytes;
  if (watch->seq_shift != 0)
    *buffer = gst_buffer_make_writable (*buffer);
  if (!gst_rtp_buffer_map (*buffer, watch->seq_shift ? GST_MAP_READWRITE :
          GST_MAP_READ, &rtp))
    return bytes;
  seq = gst_rtp_buffer_get_seq (&rtp);
  if (watch->probing && watch->frame_ended && may_pad)
    padding = gst_rtcbot_congestion_probe_padding (watch->peer->cc, now);
  if (padding > 0) {
    guint i, n = MIN (MAX_PADDING_PACKETS,
        (padding + PADDING_PER_PACKET - 1) / PADDING_PER_PACKET);

    burst = gst_buffer_list_new_sized (n);
    for (i = 0; i < n; i++) {
      gst_buffer_list_add (burst, padding_packet (&rtp,
              seq + watch->seq_shift, watch->last_timestamp,
              PADDING_PER_PACKET));
      watch->seq_shift++;
    }
    watch->padding_size = gst_buffer_get_size (gst_buffer_list_get (burst, 0));
    padding = n * watch->padding_size;
  }
  if (watch->seq_shift != 0)
    gst_rtp_buffer_set_seq (&rtp, seq + watch->seq_shift);
  watch->frame_ended = gst_rtp_buffer_get_marker (&rtp);
  watch->last_timestamp = gst_rtp_buffer_get_timestamp (&rtp);
  gst_rtp_buffer_unmap (&rtp);

  if (burst) {
    GstPad *peer_pad = gst_pad_get_peer (pad);

    /* straight to webrtcbin, ahead of the packet now being pushed */
    if (peer_pad) {
      gst_pad_chain_list (peer_pad, burst);
      gst_object_unref (peer_pad);
    } else {
      gst_buffer_list_unref (burst);
    }
  }
  return bytes + padding;
}

/* For a peer without transport-wide feedback: @buffer, a video packet,
 * was sent */
static void
number_packet (RtcWatch * watch, GstBuffer * buffer, GstClockTime now)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  if (!watch->numbered || !gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return;
  gst_rtcbot_congestion_on_sent_video (watch->peer->cc, now,
      gst_rtp_buffer_get_seq (&rtp), gst_buffer_get_size (buffer));
  gst_rtp_buffer_unmap (&rtp);
}

/* Whether @watch's stream is paced: video under congestion control */
static gboolean
is_paced (RtcWatch * watch)
{
  GstRtcbotWebrtcBin *self = watch->peer->self;
  gboolean adaptive;

  if (!watch->paced)
    return FALSE;
  GST_OBJECT_LOCK (self);
  adaptive = self->congestion_control != GST_RTCBOT_CONGESTION_CONTROL_NONE;
  GST_OBJECT_UNLOCK (self);
  return adaptive;
}

/* Waits for the slot of a packet of @bytes. */
static void
pace (RtcWatch * watch, GstPad * pad, guint bytes)
{
  GstClockTime now = gst_util_get_timestamp ();
  guint rate = MAX (gst_rtcbot_congestion_get_target (watch->peer->cc), 1);
  GstClockTime hold = gst_rtcbot_congestion_get_hold (watch->peer->cc);

  /* a standing queue on the path: nothing goes until it has drained */
  if (GST_CLOCK_TIME_IS_VALID (hold) && hold > now
      && !GST_PAD_IS_FLUSHING (pad)) {
    g_usleep ((hold - now) / GST_USECOND);
    now = gst_util_get_timestamp ();
    watch->next_send = now;
  }
  if (!GST_CLOCK_TIME_IS_VALID (watch->next_send) || watch->next_send < now
      || watch->next_send - now > MAX_PACING_DELAY) {
    watch->next_send = now;
  } else if (watch->next_send > now && !GST_PAD_IS_FLUSHING (pad)) {
    g_usleep ((watch->next_send - now) / GST_USECOND);
  }
  watch->next_send += gst_util_uint64_scale (bytes, 8 * GST_SECOND, rate);
}

/* A frame's packets one by one, each in its slot, straight to webrtcbin;
 * FALSE when @list is to go as it is (no peer pad). */
static gboolean
send_paced (RtcWatch * watch, GstPad * pad, GstBufferList * list)
{
  GstPad *peer_pad = gst_pad_get_peer (pad);
  guint i;

  if (peer_pad == NULL)
    return FALSE;
  for (i = 0; i < gst_buffer_list_length (list); i++) {
    GstBuffer *buffer = gst_buffer_list_get (list, i);

    pace (watch, pad, gst_buffer_get_size (buffer));
    if (gst_pad_chain (peer_pad, gst_buffer_ref (buffer)) != GST_FLOW_OK)
      break;
  }
  gst_object_unref (peer_pad);
  return TRUE;
}

/* The payloader's source pad: RTP going to the peer, and the feedback
 * rtpsession sends upstream. */
static GstPadProbeReturn
on_payloader_data (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  RtcWatch *watch = user_data;
  RtcPeer *peer = watch->peer;
  GstClockTime now = gst_util_get_timestamp ();
  GstBuffer *buffer = NULL;
  GstBufferList *list = NULL;
  guint bytes = 0;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_UPSTREAM) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
    const GstStructure *s = gst_event_get_structure (event);

    if (GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_UPSTREAM && s
        && gst_structure_has_name (s, "RTPTWCCPackets"))
      receive_twcc (peer, s, watch->padding_size);
    return GST_PAD_PROBE_OK;
  }

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    buffer = GST_PAD_PROBE_INFO_BUFFER (info);
    remember_ssrc (peer, buffer, watch->paced);
    bytes = pass_packet (watch, pad, &buffer, TRUE, now);
    number_packet (watch, buffer, now);
    GST_PAD_PROBE_INFO_DATA (info) = buffer;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    /* padding can only start once probing, so this holds for the list */
    gboolean rewrite = watch->seq_shift != 0 || watch->probing;
    guint i;

    list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);
    if (gst_buffer_list_length (list) > 0)
      remember_ssrc (peer, gst_buffer_list_get (list, 0), watch->paced);
    if (rewrite)
      list = gst_buffer_list_make_writable (list);
    for (i = 0; i < gst_buffer_list_length (list); i++) {
      GstBuffer *packet;

      number_packet (watch, gst_buffer_list_get (list, i), now);
      if (!rewrite) {
        bytes += gst_buffer_get_size (gst_buffer_list_get (list, i));
        continue;
      }
      /* out of the list, so that it is writable without a copy */
      packet = gst_buffer_ref (gst_buffer_list_get (list, i));
      gst_buffer_list_remove (list, i, 1);
      bytes += pass_packet (watch, pad, &packet, i == 0, now);
      gst_buffer_list_insert (list, i, packet);
    }
    GST_PAD_PROBE_INFO_DATA (info) = list;
  }
  gst_rtcbot_congestion_on_sent (peer->cc, now, bytes);
  post_stats_when_due (peer, now);

  if (!is_paced (watch))
    return GST_PAD_PROBE_OK;
  if (buffer) {
    pace (watch, pad, gst_buffer_get_size (buffer));
  } else if (list && send_paced (watch, pad, list)) {
    return GST_PAD_PROBE_DROP;
  }
  return GST_PAD_PROBE_OK;
}

/* Counts what @payloader sends to @peer and reads the feedback coming
 * back; @video is paced, and probes may pad it when it is numbered
 * @transport_wide. */
void
gst_rtcbot_webrtc_bandwidth_watch (RtcPeer * peer, GstElement * payloader,
    gboolean video, gboolean transport_wide)
{
  GstPad *src = gst_element_get_static_pad (payloader, "src");
  RtcWatch *watch = g_new0 (RtcWatch, 1);

  watch->peer = gst_rtcbot_webrtc_peer_ref (peer);
  watch->paced = video;
  watch->probing = video && transport_wide;
  watch->numbered = video && !transport_wide;
  watch->next_send = GST_CLOCK_TIME_NONE;
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
      on_payloader_data, watch, watch_free);
  gst_object_unref (src);
}

/* The layer @peer is sent of its first raw video input, or 0. */
static gint
peer_layer (RtcPeer * peer)
{
  gint layer = 0;
  GList *l;

  g_mutex_lock (&peer->lock);
  for (l = peer->branches; l; l = l->next)
    if (((RtcBranch *) l->data)->funnel)
      layer = g_atomic_int_get (&((RtcBranch *) l->data)->layer);
  g_mutex_unlock (&peer->lock);
  return layer;
}

GstStructure *
gst_rtcbot_webrtc_peer_stats (RtcPeer * peer)
{
  GstStructure *s = gst_rtcbot_congestion_get_stats (peer->cc,
      gst_util_get_timestamp ());
  GstRtcbotWebrtcBin *self = peer->self;
  guint encoder_bitrate, k;
  gint width = 0, height = 0, fps_n = 0, fps_d = 1, level = 0, layers = 0;
  gint layer = peer_layer (peer);
  const GstRtcbotLadderLevel *l_size;
  GList *l;

  gst_structure_set_name (s, "rtcbot-peer-stats");
  GST_OBJECT_LOCK (self);
  encoder_bitrate = self->layer_bitrate[layer];
  for (l = self->inputs; l; l = l->next) {
    RtcInput *input = l->data;

    if (input->layers[0] == NULL)
      continue;
    if (input->layers[layer]) {
      level = g_atomic_int_get (&input->layers[layer]->level);
      encoder_bitrate = input->layers[layer]->bitrate;
    }
    for (layers = 0, k = 0; k < RTC_MAX_LAYERS; k++)
      layers += input->layers[k] != NULL;
  }
  width = self->video_width;
  height = self->video_height;
  fps_n = self->video_fps_n;
  fps_d = self->video_fps_d;
  GST_OBJECT_UNLOCK (self);
  l_size = &gst_rtcbot_ladder_levels[level];
  gst_structure_set (s, "peer", G_TYPE_UINT, peer->id,
      "encoder-bitrate", G_TYPE_UINT, encoder_bitrate, "layer", G_TYPE_INT,
      layer, "layers", G_TYPE_INT, layers, "level", G_TYPE_INT,
      level, "width", G_TYPE_INT, width / l_size->size_divisor & ~1,
      "height", G_TYPE_INT, height / l_size->size_divisor & ~1,
      "framerate", GST_TYPE_FRACTION, fps_n, MAX (fps_d, 1) *
      l_size->rate_divisor, NULL);
  return s;
}
