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

#include "gstrtcbotladder.h"

static gint
by_video_descending (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const GstRtcbotLadderPeer *peers = user_data;
  guint va = peers[*(const guint *) a].video;
  guint vb = peers[*(const guint *) b].video;

  return va < vb ? 1 : va > vb ? -1 : 0;
}

/* Sets each peer's layer and returns the number of layers in use; each
 * layer's bitrate, the lowest of its peers' so that no peer is sent more
 * than its link carries, is written to @bitrates (0 for a layer without
 * peers).
 *
 * Peers are taken from the best-connected down. A new layer starts at a
 * peer below GST_RTCBOT_LADDER_FIT of the current layer's first peer: the
 * peers of one layer are never sent much less than their links carry,
 * and peers on similar links (all viewers on good links, say) share one
 * encoding. The last layer takes all the rest. A peer that may not move
 * up yet keeps its layer; moving down is never held back (its link no
 * longer carries its layer). */
guint
gst_rtcbot_ladder_plan (GstRtcbotLadderPeer * peers, guint n_peers,
    guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS])
{
  guint *order = g_new (guint, MAX (n_peers, 1));
  guint i, used = 0, layer = 0;
  gdouble anchor = 0;

  for (i = 0; i < GST_RTCBOT_LADDER_MAX_LAYERS; i++)
    bitrates[i] = 0;
  for (i = 0; i < n_peers; i++)
    order[i] = i;
  g_qsort_with_data (order, n_peers, sizeof (guint), by_video_descending,
      peers);

  for (i = 0; i < n_peers; i++) {
    GstRtcbotLadderPeer *peer = &peers[order[i]];

    if (i == 0) {
      anchor = peer->video;
    } else if (layer + 1 < GST_RTCBOT_LADDER_MAX_LAYERS
        && peer->video < GST_RTCBOT_LADDER_FIT * anchor) {
      layer++;
      anchor = peer->video;
    }
    peer->layer = layer;
    if (!peer->may_move && peer->current > (gint) layer)
      peer->layer = MIN (peer->current, GST_RTCBOT_LADDER_MAX_LAYERS - 1);
  }

  for (i = 0; i < n_peers; i++) {
    guint *bitrate = &bitrates[peers[i].layer];

    if (*bitrate == 0 || peers[i].video < *bitrate)
      *bitrate = peers[i].video;
    used = MAX (used, (guint) peers[i].layer + 1);
  }
  g_free (order);
  return used;
}
