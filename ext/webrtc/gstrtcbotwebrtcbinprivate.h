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


#ifndef __GST_RTCBOT_WEBRTC_BIN_PRIVATE_H__
#define __GST_RTCBOT_WEBRTC_BIN_PRIVATE_H__

#include <math.h>
#include <gst/gst.h>
#include <libsoup/soup.h>

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "gstrtcbotwebrtcbin.h"
#include "gstrtcbotcommon.h"
#include "gstrtcbotcongestion.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_rtcbot_webrtc_bin_debug);
#define GST_CAT_DEFAULT gst_rtcbot_webrtc_bin_debug

/* largest /connect body and offer accepted */
#define MAX_OFFER_BYTES (1024 * 1024)
/* the label of RTCBot's data channel */
#define DEFAULT_CHANNEL_LABEL "default"
/* payload types of what we offer (answers take the offer's) */
#define OFFER_PT_VP8 96
#define OFFER_PT_H264 102
#define OFFER_PT_OPUS 111

typedef struct _RtcPeer RtcPeer;

#include "gstrtcbotladder.h"
#define RTC_MAX_LAYERS GST_RTCBOT_LADDER_MAX_LAYERS
typedef struct _RtcHttp RtcHttp;

typedef struct _RtcInput RtcInput;

/* One encoding of a raw video input. Layer 0 is the input's own chain and
 * lives as long as the input; the lower layers are made from the same raw
 * frames while some peer needs them (gstrtcbotwebrtcladder.c). */
typedef struct
{
  RtcInput *input;
  guint index;
  GList *elements;              /* a lower layer's own elements, queue first */
  GstPad *raw_pad;              /* its request pad on the input's raw tee */
  GstElement *tee;              /* what the peers' branches read */
  GstElement *encoder;          /* the element whose bitrate is driven */
  const gchar *rate_property;   /* its bitrate property, NULL = none */
  guint rate_unit;              /* bit/s per unit of that property */
  GstElement *size_filter;      /* capsfilter after videoscale */
  guint bitrate;                /* what the encoder is set to; object lock */
  gint level;                   /* gst_rtcbot_ladder_levels index; atomic */
  gint64 level_changed;         /* monotonic µs; object lock */
  gint level_step;              /* the last change: -1 up, +1 down; lock */
  guint64 frames;               /* encoder input thread only */
  gint64 unused_since;          /* monotonic µs, 0 = in use; object lock */
} RtcLayer;

/* One media input (`video_sink_%u`/`audio_sink_%u`): encoded once into a
 * tee that every peer's branch reads. */
struct _RtcInput
{
  GstRtcbotWebrtcBin *self;
  gboolean video;
  GstPad *ghost;
  GstElement *queue;            /* the ghost pad's target */
  GstElement *tee;
  GList *chain;                 /* elements between queue and tee */
  gchar *encoding;              /* "VP8", "H264", "OPUS"; object lock */
  gboolean failed;              /* caps we cannot send; object lock */
  gboolean idle;                /* dropping: no peer; queue's thread only */
  GstElement *raw_tee;          /* raw video: the frames every layer encodes */
  guint audio_bitrate;          /* raw audio: what its encoder sends, bit/s */
  /* raw video only; written under the bin's layers_lock and object lock,
   * read under either */
  RtcLayer *layers[RTC_MAX_LAYERS];
};

/* One media input sent to one peer: tee → queue → payloader → webrtcbin.
 * A raw video input's branch reads every layer of its ladder through a
 * funnel and passes one of them: tee → funnel → queue → … */
typedef struct
{
  RtcPeer *peer;
  RtcInput *input;
  GstPad *tee_pad;
  GstElement *funnel;
  GstElement *queue;
  GstElement *pay;
  GstPad *webrtc_pad;
  /* the funnel's pad of each layer; the bin's layers_lock and the peer's
   * lock to change, either to read */
  GstPad *links[RTC_MAX_LAYERS];
  gint layer;                   /* the layer passed; atomic */
  gint pending;                 /* passed from its next keyframe, -1 none; atomic */
  gint64 pending_since;         /* monotonic µs; peer lock */
} RtcBranch;

/* The share of a peer's estimated bandwidth the video takes: the rest
 * keeps the data channel, audio and RTCP from waiting behind a full queue.
 * A peer sent audio has the audio's bitrate taken off the video's share
 * first. The bitrate properties are the video's, so the estimator's
 * limits are theirs (plus the audio's) divided by this share. */
#define RTC_VIDEO_SHARE 0.85
#define RTC_LINK_BITRATE(video) \
  ((guint) MIN ((gdouble) G_MAXUINT, ceil ((video) / RTC_VIDEO_SHARE)))

struct _GstRtcbotWebrtcBin
{
  GstRtcbotBin parent;

  /* properties; object lock */
  gint listen_port;
  gchar *listen_host;
  guint bound_port;
  gchar *web_root;
  gchar *connect_url;
  gchar *video_encoder;
  gchar *stun_server;
  gchar *turn_server;
  guint latency;
  guint max_peers;
  guint request_timeout;        /* s */
  guint gather_timeout;
  gchar *auth_token;            /* never logged */
  gchar *allowed_origins;
  gchar *tls_certificate;
  gchar *tls_key;
  gboolean tls_validation;
  /* no new peer is accepted: the bin ended (`close`, EOS, the end of the
   * connect-url connection); read with `peers` and `running` */
  gboolean closed_for_good;
  GstRtcbotCongestionControl congestion_control;
  guint min_bitrate;
  guint max_bitrate;
  guint start_bitrate;
  /* each video layer's bitrate, followed by the encoders of that layer */
  guint layer_bitrate[RTC_MAX_LAYERS];
  gint64 layer_bitrate_changed[RTC_MAX_LAYERS];        /* monotonic µs */
  gboolean ladder_scheduled;    /* gst_rtcbot_webrtc_ladder_update is due */
  gint video_width, video_height, video_fps_n, video_fps_d;

  /* object lock */
  GList *inputs;
  GList *peers;
  guint next_peer_id;
  guint next_video_src;
  guint next_audio_src;
  guint open_channels;
  gboolean running;             /* between READY→PAUSED and PAUSED→READY */
  RtcPeer *offering;            /* the create-offer peer awaiting its answer */
  GCond inputs_cond;            /* an input learnt its encoding */

  /* serialises sending so messages keep their order across channels */
  GMutex send_lock;
  /* serialises making and taking down layers and branches; never taken
   * on a streaming thread, nor held across a push */
  GMutex layers_lock;

  RtcHttp *http;
  GThread *client_thread;
  GCancellable *client_cancellable;
};

/* gstrtcbotwebrtcbin.c */
void gst_rtcbot_webrtc_bin_channel_opened (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_bin_channel_closed (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_bin_drain_outgoing (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_bin_receive (GstRtcbotWebrtcBin * self,
    RtcPeer * peer, const gchar * data, gsize size, gboolean text);
gboolean gst_rtcbot_webrtc_bin_is_client (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_bin_mark_closed (GstRtcbotWebrtcBin * self,
    const gchar * reason);
void gst_rtcbot_webrtc_bin_wait_inputs (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_bin_inputs_changed (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_bin_notify_bound_port (GstRtcbotWebrtcBin * self);

/* gstrtcbotwebrtcmedia.c: media inputs and received media */
RtcInput *gst_rtcbot_webrtc_input_new (GstRtcbotWebrtcBin * self,
    GstPadTemplate * templ, const gchar * name, gboolean video);
void gst_rtcbot_webrtc_input_free (RtcInput * input);
void gst_rtcbot_webrtc_take_out (GstBin * bin, GstElement * element);
gint gst_rtcbot_webrtc_input_choose_level (RtcLayer * layer, guint bitrate,
    guint full_bitrate, gint width, gint height, gint fps_n, gint fps_d);
GstCaps *gst_rtcbot_webrtc_input_level_caps (gint level, gint width,
    gint height);
GstElement *gst_rtcbot_webrtc_video_encoder_new (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_layer_find_rate_property (RtcLayer * layer,
    GstElement * encoder);
void gst_rtcbot_webrtc_layer_drop_for_level (RtcLayer * layer,
    GstElement * size_filter);
GstElement *gst_rtcbot_webrtc_payloader_new (const gchar * encoding, gint pt);
GstCaps *gst_rtcbot_webrtc_rtp_caps (const gchar * encoding, gint pt);
void gst_rtcbot_webrtc_expose_received (GstRtcbotWebrtcBin * self,
    RtcPeer * peer, GstPad * pad);

/* gstrtcbotwebrtcpeer.c: one peer connection */
struct _RtcPeer
{
  gint refcount;
  GstRtcbotWebrtcBin *self;
  guint id;
  gchar *address;
  gboolean offerer;             /* we made the offer */
  GstElement *webrtc;

  /* protects the fields below up to the next comment, and is what cond
   * signals changes of (channel open/closed, ICE gathered, removed);
   * never held while the element's object lock is taken */
  GMutex lock;
  GCond cond;
  GList *branches;              /* RtcBranch */
  GList *exposed;               /* ghost pads of received media */
  GList *decoders;
  GList *watched;               /* objects whose signals we listen to */
  GstWebRTCDataChannel *channel;
  gboolean channel_open;
  gboolean channel_closed;
  gboolean gathered;
  gboolean removing;            /* taken down by one thread */
  gboolean removed;
  gboolean connected_posted;
  gboolean transport_closed;    /* the peer closed DTLS (close_notify) */
  gchar *failure;               /* the first error of its transport */
  guint32 ssrcs[8];             /* what we send it under */
  guint n_ssrcs;
  gint64 video_ssrc;            /* of those, video's; -1 = none yet */
  /* of each of ssrcs: the sender report its last round trip was measured
   * from (LSR) */
  guint32 measured_lsrs[8];
  guint64 rtcp_sessions;        /* rtpbin sessions whose RTCP we read */
  GstClockTime stats_posted;
  GstClockTime keyframe_for_loss;       /* lock: last asked for after a NACK */
  gint layer;                   /* the video layer planned for it; lock */
  gint64 layer_moved;           /* monotonic µs; lock */

  GstRtcbotCongestion *cc;      /* its bandwidth estimate; own lock */
};

RtcPeer *gst_rtcbot_webrtc_peer_new (GstRtcbotWebrtcBin * self,
    const gchar * address, gboolean offerer, GError ** error);
RtcPeer *gst_rtcbot_webrtc_peer_ref (RtcPeer * peer);
void gst_rtcbot_webrtc_peer_unref (RtcPeer * peer);
gchar *gst_rtcbot_webrtc_peer_offer (RtcPeer * peer, GError ** error);
gchar *gst_rtcbot_webrtc_peer_answer (RtcPeer * peer,
    GstSDPMessage * offer, GError ** error);
gboolean gst_rtcbot_webrtc_peer_apply_answer (RtcPeer * peer,
    GstSDPMessage * answer, GError ** error);
void gst_rtcbot_webrtc_peer_send (RtcPeer * peer, GstSample * sample);
void gst_rtcbot_webrtc_peer_remove (RtcPeer * peer, const gchar * why);
void gst_rtcbot_webrtc_peer_remove_now (RtcPeer * peer);
void gst_rtcbot_webrtc_peer_fail (RtcPeer * peer, const gchar * why);
void gst_rtcbot_webrtc_peer_request_keyframes (RtcPeer * peer);
guint gst_rtcbot_webrtc_peer_audio_bitrate (RtcPeer * peer);
void gst_rtcbot_webrtc_peer_set_limits (RtcPeer * peer);
void gst_rtcbot_webrtc_peer_connect (RtcPeer * peer, gpointer instance,
    const gchar * signal, GCallback callback);
RtcPeer *gst_rtcbot_webrtc_peer_find (GstRtcbotWebrtcBin * self,
    GstObject * object);

/* gstrtcbotwebrtcbandwidth.c: estimates fed from each peer's feedback */
void gst_rtcbot_webrtc_bandwidth_attach (RtcPeer * peer);
void gst_rtcbot_webrtc_bandwidth_watch (RtcPeer * peer,
    GstElement * payloader, gboolean video, gboolean transport_wide);
GstStructure *gst_rtcbot_webrtc_peer_stats (RtcPeer * peer);
void gst_rtcbot_webrtc_bin_bitrate_changed (GstRtcbotWebrtcBin * self);

/* gstrtcbotwebrtcladder.c: the lower video layers, made while needed */
void gst_rtcbot_webrtc_ladder_attach_branch (RtcBranch * branch);
void gst_rtcbot_webrtc_ladder_detach_branch (RtcBranch * branch);
void gst_rtcbot_webrtc_ladder_update (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_ladder_clear (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_ladder_free_layers (RtcInput * input);
GstPad *gst_rtcbot_webrtc_branch_keyframe_pad (RtcBranch * branch);
gboolean gst_rtcbot_webrtc_ladder_shared (RtcPeer * peer);

/* gstrtcbotwebrtcsdp.c: RTCBot's {"type","sdp"} JSON */
GstSDPMessage *gst_rtcbot_webrtc_parse_description (const gchar * json,
    gsize size, const gchar * expected_type, GError ** error);
gchar *gst_rtcbot_webrtc_description_to_json (const gchar * type,
    const gchar * sdp);

/* gstrtcbotwebrtchttp.c: the signalling server and client */
gboolean gst_rtcbot_webrtc_http_start (GstRtcbotWebrtcBin * self,
    GError ** error);
void gst_rtcbot_webrtc_http_stop (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_client_start (GstRtcbotWebrtcBin * self);
void gst_rtcbot_webrtc_client_stop (GstRtcbotWebrtcBin * self);

G_END_DECLS

#endif /* __GST_RTCBOT_WEBRTC_BIN_PRIVATE_H__ */
