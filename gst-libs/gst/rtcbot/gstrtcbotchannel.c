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

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gstrtcbotmissing.h"
#include "gstrtcbotchannel.h"

#define INLINE_MAX GST_RTCBOT_CHANNEL_INLINE_MAX
#define DATAGRAM_MAX GST_RTCBOT_CHANNEL_DATAGRAM_MAX
/* memfds the sender keeps for reuse; a frame never travels outside them,
 * so what is in flight stays bounded */
#define POOL_SLOTS GST_RTCBOT_CHANNEL_POOL_SLOTS
#define SLOT_INLINE GST_RTCBOT_CHANNEL_SLOT_INLINE

/* With this many slots held by the receiver's downstream (a sink keeping
 * its last buffer list, an application keeping frames), further frames
 * are copied out and their slots handed back at once: the sender always
 * has slots to go on with. */
#define LEASES_MAX (POOL_SLOTS - 4)

/* the receiver refuses a pool memfd whose size could still change under
 * its mapping (a shrunk file would SIGBUS it) */
#define FRAME_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

typedef GstRtcbotChannelHeader WireHeader;

typedef struct
{
  gint fd;
  guint8 *data;
  gsize capacity;
  gboolean busy;                /* with the receiver until it releases it */
  gboolean announced;           /* the receiver has this fd mapped */
} SendSlot;

/* A receiver's mapping of one memfd, shared by the memories wrapping it. */
typedef struct
{
  guint8 *data;
  gsize size;
} RecvMap;

struct _GstRtcbotChannel
{
  gint fd;

  GMutex lock;                  /* protects send_slots and closed */
  GCond slot_cond;              /* a slot came back or the channel shut */
  SendSlot send_slots[POOL_SLOTS];
  gboolean closed;

  gint broken;                  /* atomic: the peer stopped reading */
  /* atomic: the receiver's memories of a slot are alive */
  gint recv_leased[POOL_SLOTS];
  gint leases_alive;            /* atomic */

  /* only touched by the one thread that receives */
  RecvMap *recv_maps[POOL_SLOTS];
  guint8 *recv_buf;
};

/* What a received GstMemory holds on to. */
typedef struct
{
  GstRtcbotChannel *channel;
  RecvMap *map;
  gint slot;
} Lease;

static void
recv_map_free (gpointer data)
{
  RecvMap *map = data;

  munmap (map->data, map->size);
}

static void
recv_map_unref (RecvMap * map)
{
  g_atomic_rc_box_release_full (map, recv_map_free);
}

GstRtcbotChannel *
gst_rtcbot_channel_new (gint fd)
{
  GstRtcbotChannel *channel = g_atomic_rc_box_new0 (GstRtcbotChannel);
  guint i;

  channel->fd = fd;
  g_mutex_init (&channel->lock);
  g_cond_init (&channel->slot_cond);
  for (i = 0; i < POOL_SLOTS; i++)
    channel->send_slots[i].fd = -1;
  channel->recv_buf = g_malloc (sizeof (WireHeader) + DATAGRAM_MAX);
  return channel;
}

GstRtcbotChannel *
gst_rtcbot_channel_ref (GstRtcbotChannel * channel)
{
  return g_atomic_rc_box_acquire (channel);
}

static void
gst_rtcbot_channel_free (gpointer data)
{
  GstRtcbotChannel *channel = data;
  guint i;

  for (i = 0; i < POOL_SLOTS; i++) {
    SendSlot *slot = &channel->send_slots[i];

    if (slot->data)
      munmap (slot->data, slot->capacity);
    if (slot->fd >= 0)
      close (slot->fd);
    if (channel->recv_maps[i])
      recv_map_unref (channel->recv_maps[i]);
  }
  close (channel->fd);
  g_free (channel->recv_buf);
  g_cond_clear (&channel->slot_cond);
  g_mutex_clear (&channel->lock);
}

void
gst_rtcbot_channel_unref (GstRtcbotChannel * channel)
{
  g_atomic_rc_box_release_full (channel, gst_rtcbot_channel_free);
}

/* Ends the conversation both ways: the peer reads EOF, a blocked send or
 * receive of ours returns. The fd itself stays open while memories of the
 * channel are alive. */
void
gst_rtcbot_channel_shutdown (GstRtcbotChannel * channel)
{
  shutdown (channel->fd, SHUT_RDWR);
  g_mutex_lock (&channel->lock);
  channel->closed = TRUE;
  g_cond_broadcast (&channel->slot_cond);
  g_mutex_unlock (&channel->lock);
}

/* Whether the channel was shut because the peer let its socket fill up
 * instead of reading it. */
gboolean
gst_rtcbot_channel_is_broken (GstRtcbotChannel * channel)
{
  return g_atomic_int_get (&channel->broken);
}

static gboolean
send_datagram (GstRtcbotChannel * channel, const WireHeader * header,
    gconstpointer payload, gsize payload_size, gint fd, gint flags)
{
  struct iovec iov[2];
  struct msghdr mh = { 0, };
  union
  {
    struct cmsghdr align;
    gchar buf[CMSG_SPACE (sizeof (gint))];
  }
  control;
  ssize_t sent;

  iov[0].iov_base = (gpointer) header;
  iov[0].iov_len = sizeof (*header);
  iov[1].iov_base = (gpointer) payload;
  iov[1].iov_len = payload_size;
  mh.msg_iov = iov;
  mh.msg_iovlen = payload_size > 0 ? 2 : 1;
  if (fd >= 0) {
    struct cmsghdr *cmsg;

    memset (&control, 0, sizeof (control));
    mh.msg_control = control.buf;
    mh.msg_controllen = sizeof (control.buf);
    cmsg = CMSG_FIRSTHDR (&mh);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN (sizeof (gint));
    memcpy (CMSG_DATA (cmsg), &fd, sizeof (gint));
  }
  /* a peer that went away must not kill us with SIGPIPE */
  do {
    sent = sendmsg (channel->fd, &mh, MSG_NOSIGNAL | flags);
  } while (sent < 0 && errno == EINTR);
  return sent == (ssize_t) (sizeof (*header) + payload_size);
}

gboolean
gst_rtcbot_channel_send_simple (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, guint64 value)
{
  WireHeader header = { 0, };

  header.type = type;
  header.value = value;
  return send_datagram (channel, &header, NULL, 0, -1, 0);
}

/* Never blocks: a peer that lets even a control message wait has stopped
 * reading; the channel is shut and the peer is to be treated as failed. */
gboolean
gst_rtcbot_channel_send_control (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, guint64 value)
{
  WireHeader header = { 0, };

  header.type = type;
  header.value = value;
  if (send_datagram (channel, &header, NULL, 0, -1, MSG_DONTWAIT))
    return TRUE;
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    g_atomic_int_set (&channel->broken, TRUE);
    gst_rtcbot_channel_shutdown (channel);
  }
  return FALSE;
}

gboolean
gst_rtcbot_channel_send_caps (GstRtcbotChannel * channel, GstCaps * caps)
{
  WireHeader header = { 0, };
  gchar *string = gst_caps_to_string (caps);
  gsize len = strlen (string) + 1;
  gboolean ret = FALSE;

  header.type = GST_RTCBOT_CHANNEL_CAPS;
  header.size = len;
  if (len <= DATAGRAM_MAX)
    ret = send_datagram (channel, &header, string, len, -1, 0);
  g_free (string);
  return ret;
}

gboolean
gst_rtcbot_channel_send_segment (GstRtcbotChannel * channel,
    const GstSegment * segment)
{
  WireHeader header = { 0, };

  header.type = GST_RTCBOT_CHANNEL_SEGMENT;
  header.size = sizeof (GstSegment);
  return send_datagram (channel, &header, segment, sizeof (GstSegment), -1, 0);
}

gboolean
gst_rtcbot_channel_send_error (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, GQuark domain, gint code, const gchar * text,
    const gchar * debug)
{
  WireHeader header = { 0, };
  GString *payload = g_string_new (NULL);
  gboolean ret;

  g_string_append (payload, domain ? g_quark_to_string (domain) : "");
  g_string_append_c (payload, '\0');
  g_string_append (payload, text ? text : "");
  g_string_append_c (payload, '\0');
  g_string_append (payload, debug ? debug : "");
  g_string_append_c (payload, '\0');
  /* an overlong debug text is cut, never the message */
  if (payload->len > DATAGRAM_MAX) {
    g_string_truncate (payload, DATAGRAM_MAX - 1);
    g_string_append_c (payload, '\0');
  }
  header.type = type;
  header.size = payload->len;
  header.value = (guint64) (gint64) code;
  ret = send_datagram (channel, &header, payload->str, payload->len, -1, 0);
  g_string_free (payload, TRUE);
  return ret;
}

static gint
new_memfd (gsize size, guint8 ** data)
{
  gint fd = memfd_create ("gst-rtcbot-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  gpointer mem;

  if (fd < 0)
    return -1;
  if (ftruncate (fd, size) < 0)
    goto failed;
  /* slots are rewritten, so no write seal: a fixed size is what keeps a
   * mapping safe */
  if (fcntl (fd, F_ADD_SEALS, FRAME_SEALS) < 0)
    goto failed;
  mem = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mem == MAP_FAILED)
    goto failed;
  *data = mem;
  return fd;

failed:
  close (fd);
  return -1;
}

/* A free slot of the pool for @size bytes, grown if needed, waiting up to
 * @wait_us (forever when negative) for the receiver to release one. -1
 * when none came free, -2 when the channel is shut or memfds cannot be
 * had. */
static gint
take_slot (GstRtcbotChannel * channel, gsize size, gint64 wait_us)
{
  gint64 deadline = g_get_monotonic_time () + MAX (wait_us, 0);
  gint i, candidate = -1;
  SendSlot *slot;

  g_mutex_lock (&channel->lock);
  while (!channel->closed) {
    for (i = 0; i < POOL_SLOTS; i++) {
      slot = &channel->send_slots[i];
      if (slot->busy)
        continue;
      if (slot->fd >= 0 && slot->capacity >= size) {
        candidate = i;
        break;
      }
      /* prefer an unused slot to shrinking the reach of a big one */
      if (candidate < 0 || channel->send_slots[candidate].fd >= 0)
        candidate = i;
    }
    if (candidate >= 0 || wait_us == 0)
      break;
    if (wait_us < 0)
      g_cond_wait (&channel->slot_cond, &channel->lock);
    else if (!g_cond_wait_until (&channel->slot_cond, &channel->lock, deadline))
      break;
  }
  if (channel->closed) {
    g_mutex_unlock (&channel->lock);
    return -2;
  }
  if (candidate >= 0)
    channel->send_slots[candidate].busy = TRUE;
  g_mutex_unlock (&channel->lock);
  if (candidate < 0)
    return -1;

  /* busy: the slot is ours alone until the receiver releases it */
  slot = &channel->send_slots[candidate];
  if (slot->fd < 0 || slot->capacity < size) {
    gsize capacity = (size + 4095) & ~(gsize) 4095;

    if (slot->data)
      munmap (slot->data, slot->capacity);
    if (slot->fd >= 0)
      close (slot->fd);
    slot->data = NULL;
    slot->capacity = 0;
    slot->announced = FALSE;
    slot->fd = new_memfd (capacity, &slot->data);
    if (slot->fd < 0) {
      g_mutex_lock (&channel->lock);
      slot->busy = FALSE;
      g_mutex_unlock (&channel->lock);
      return -2;
    }
    slot->capacity = capacity;
  }
  return candidate;
}

static void
release_slot (GstRtcbotChannel * channel, gint index)
{
  if (index < 0 || index >= POOL_SLOTS)
    return;
  g_mutex_lock (&channel->lock);
  channel->send_slots[index].busy = FALSE;
  g_cond_broadcast (&channel->slot_cond);
  g_mutex_unlock (&channel->lock);
}

/* Sends @buffer, inline or in a pool slot; when every slot is with the
 * receiver, waits up to @slot_wait_us (forever when negative) for one to
 * come back and otherwise drops the buffer. */
GstRtcbotChannelSendResult
gst_rtcbot_channel_send_buffer (GstRtcbotChannel * channel,
    GstBuffer * buffer, gint64 slot_wait_us)
{
  WireHeader header = { 0, };
  gsize size = gst_buffer_get_size (buffer);
  gboolean ret, announce;
  SendSlot *slot;
  gint index;

  header.type = GST_RTCBOT_CHANNEL_BUFFER;
  header.flags = GST_BUFFER_FLAGS (buffer);
  header.size = size;
  header.pts = GST_BUFFER_PTS (buffer);
  header.dts = GST_BUFFER_DTS (buffer);
  header.duration = GST_BUFFER_DURATION (buffer);
  header.offset = GST_BUFFER_OFFSET (buffer);
  header.offset_end = GST_BUFFER_OFFSET_END (buffer);

  if (size <= INLINE_MAX) {
    GstMapInfo map;

    if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
      return GST_RTCBOT_CHANNEL_CLOSED;
    header.slot = SLOT_INLINE;
    ret = send_datagram (channel, &header, map.data, map.size, -1, 0);
    gst_buffer_unmap (buffer, &map);
    return ret ? GST_RTCBOT_CHANNEL_SENT : GST_RTCBOT_CHANNEL_CLOSED;
  }
  if (size > G_MAXUINT32)
    return GST_RTCBOT_CHANNEL_DROPPED;

  index = take_slot (channel, size, slot_wait_us);
  if (index == -1)
    return GST_RTCBOT_CHANNEL_DROPPED;
  if (index < 0)
    return GST_RTCBOT_CHANNEL_CLOSED;

  slot = &channel->send_slots[index];
  gst_buffer_extract (buffer, 0, slot->data, size);
  header.slot = index;
  header.value = slot->capacity;
  announce = !slot->announced;
  /* set before sending: once received, the slot may come back and be
   * taken by another thread at once */
  slot->announced = TRUE;
  ret = send_datagram (channel, &header, NULL, 0, announce ? slot->fd : -1, 0);
  if (!ret) {
    slot->announced = !announce;
    release_slot (channel, index);
  }
  return ret ? GST_RTCBOT_CHANNEL_SENT : GST_RTCBOT_CHANNEL_CLOSED;
}

static void
lease_free (gpointer data)
{
  Lease *lease = data;

  /* cleared first: the sender may reuse the slot as soon as it reads the
   * RELEASE. Never blocking: this runs on whatever thread let go of the
   * memory, and a peer that does not read is cut off instead. */
  g_atomic_int_set (&lease->channel->recv_leased[lease->slot], FALSE);
  g_atomic_int_dec_and_test (&lease->channel->leases_alive);
  gst_rtcbot_channel_send_control (lease->channel,
      GST_RTCBOT_CHANNEL_RELEASE, lease->slot);
  recv_map_unref (lease->map);
  gst_rtcbot_channel_unref (lease->channel);
  g_free (lease);
}

/* Maps a pool memfd only if it holds @size bytes and can never shrink
 * below them, so no access of the mapping can fault. */
static RecvMap *
map_fd (gint fd, gsize size)
{
  struct stat st;
  gpointer mem;
  gint seals;
  RecvMap *map;

  if (size == 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)
      || st.st_size < 0 || (guint64) st.st_size < size)
    return NULL;
  seals = fcntl (fd, F_GET_SEALS);
  if (seals < 0 || !(seals & F_SEAL_SHRINK))
    return NULL;
  mem = mmap (NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  if (mem == MAP_FAILED)
    return NULL;
  map = g_atomic_rc_box_new0 (RecvMap);
  map->data = mem;
  map->size = size;
  return map;
}

static GstBuffer *
receive_buffer (GstRtcbotChannel * channel, const WireHeader * header,
    const guint8 * payload, gsize payload_size, gint fd, GError ** error)
{
  GstBuffer *buffer;
  RecvMap *map = NULL;
  Lease *lease;

  if (header->slot == SLOT_INLINE) {
    if (payload_size != header->size)
      goto invalid;
    buffer = header->size ? gst_buffer_new_memdup (payload, header->size) :
        gst_buffer_new ();
  } else {
    if (header->slot >= POOL_SLOTS || header->slot < 0 || payload_size != 0)
      goto invalid;
    /* the sender may not reuse a slot we still read from */
    if (g_atomic_int_get (&channel->recv_leased[header->slot]))
      goto slot_busy;
    if (fd >= 0) {
      if (header->value > G_MAXSIZE || header->size > header->value)
        goto invalid;
      map = map_fd (fd, header->value);
      if (map == NULL)
        goto map_failed;
      if (channel->recv_maps[header->slot])
        recv_map_unref (channel->recv_maps[header->slot]);
      channel->recv_maps[header->slot] = g_atomic_rc_box_acquire (map);
    } else if (channel->recv_maps[header->slot]) {
      map = g_atomic_rc_box_acquire (channel->recv_maps[header->slot]);
    } else {
      goto invalid;
    }
    if (header->size == 0 || header->size > map->size) {
      recv_map_unref (map);
      goto invalid;
    }
    if (g_atomic_int_get (&channel->leases_alive) >= LEASES_MAX) {
      buffer = gst_buffer_new_memdup (map->data, header->size);
      recv_map_unref (map);
      gst_rtcbot_channel_send_control (channel, GST_RTCBOT_CHANNEL_RELEASE,
          header->slot);
      goto done;
    }
    g_atomic_int_inc (&channel->leases_alive);
    g_atomic_int_set (&channel->recv_leased[header->slot], TRUE);
    lease = g_new0 (Lease, 1);
    lease->channel = gst_rtcbot_channel_ref (channel);
    lease->map = map;
    lease->slot = header->slot;
    buffer = gst_buffer_new ();
    gst_buffer_append_memory (buffer,
        gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY, map->data,
            map->size, 0, header->size, lease, lease_free));
  }

done:
  /* buffer flags only: the mini object flags are the new buffer's own */
  GST_BUFFER_FLAG_SET (buffer, header->flags
      & ~((guint) GST_MINI_OBJECT_FLAG_LAST - 1)
      & ~(guint) GST_BUFFER_FLAG_TAG_MEMORY);
  GST_BUFFER_PTS (buffer) = header->pts;
  GST_BUFFER_DTS (buffer) = header->dts;
  GST_BUFFER_DURATION (buffer) = header->duration;
  GST_BUFFER_OFFSET (buffer) = header->offset;
  GST_BUFFER_OFFSET_END (buffer) = header->offset_end;
  return buffer;

invalid:
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
      "a malformed buffer message (slot %d, %u bytes)", header->slot,
      header->size);
  return NULL;
slot_busy:
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
      "a frame in pool slot %d, which was not released yet", header->slot);
  return NULL;
map_failed:
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
      "a frame memfd that does not hold the announced %" G_GUINT64_FORMAT
      " bytes or is not sealed against shrinking", header->value);
  return NULL;
}

/* Up to three NUL-terminated strings. */
static void
parse_error_payload (const guint8 * payload, gsize size,
    GstRtcbotChannelMessage * message)
{
  const gchar *parts[3] = { "", "", "" };
  const gchar *p = (const gchar *) payload, *end = p + size;
  guint i;

  for (i = 0; i < 3 && p < end; i++) {
    const gchar *nul = memchr (p, '\0', end - p);

    if (nul == NULL)
      break;
    parts[i] = p;
    p = nul + 1;
  }
  message->domain = parts[0][0] ? g_quark_from_string (parts[0]) :
      GST_CORE_ERROR;
  message->text = g_strdup (parts[1]);
  message->debug = parts[2][0] ? g_strdup (parts[2]) : NULL;
}

/* Fixed, non-empty caps: the only ones a stream can be labelled with. */
static gboolean
caps_are_valid (const GstCaps * caps)
{
  return caps && !gst_caps_is_any (caps) && !gst_caps_is_empty (caps)
      && gst_caps_is_fixed (caps);
}

/* A segment GStreamer can convert with and build an event from. */
static gboolean
segment_is_valid (const GstSegment * segment)
{
  return segment->format != GST_FORMAT_UNDEFINED
      && gst_format_get_details (segment->format) != NULL
      && segment->rate != 0.0 && segment->applied_rate != 0.0
      && !(segment->flags & ~(GST_SEGMENT_FLAG_RESET
          | GST_SEGMENT_FLAG_TRICKMODE | GST_SEGMENT_FLAG_SKIP
          | GST_SEGMENT_FLAG_SEGMENT
          | GST_SEGMENT_FLAG_TRICKMODE_KEY_UNITS
          | GST_SEGMENT_FLAG_TRICKMODE_FORWARD_PREDICTED
          | GST_SEGMENT_FLAG_TRICKMODE_NO_AUDIO))
      && (segment->stop == (guint64) - 1 || segment->start <= segment->stop);
}

/* Blocks for the next message for the caller. RELEASE messages are
 * handled here. Returns FALSE with @error unset at the end of the
 * conversation, with @error set when the peer broke the protocol. */
gboolean
gst_rtcbot_channel_receive (GstRtcbotChannel * channel,
    GstRtcbotChannelMessage * message, GError ** error)
{
  memset (message, 0, sizeof (*message));

  for (;;) {
    struct iovec iov;
    struct msghdr mh = { 0, };
    union
    {
      struct cmsghdr align;
      gchar buf[CMSG_SPACE (sizeof (gint))];
    }
    control;
    struct cmsghdr *cmsg;
    WireHeader header;
    const guint8 *payload;
    gsize payload_size;
    ssize_t n;
    gint fd = -1;
    guint n_fds = 0;

    iov.iov_base = channel->recv_buf;
    iov.iov_len = sizeof (WireHeader) + DATAGRAM_MAX;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control.buf;
    mh.msg_controllen = sizeof (control.buf);
    do {
      n = recvmsg (channel->fd, &mh, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    /* a peer that died with our data unread resets the connection: an
     * end like any other */
    if (n == 0 || (n < 0 && errno == ECONNRESET))
      return FALSE;
    if (n < 0) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "receiving from the isolated process: %s", g_strerror (errno));
      return FALSE;
    }
    /* every descriptor that came along is ours to close: one is kept,
     * more than one in a message is a protocol error */
    for (cmsg = CMSG_FIRSTHDR (&mh); cmsg; cmsg = CMSG_NXTHDR (&mh, cmsg)) {
      guint i, count;

      if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS
          || cmsg->cmsg_len < CMSG_LEN (0))
        continue;
      count = (cmsg->cmsg_len - CMSG_LEN (0)) / sizeof (gint);
      for (i = 0; i < count; i++) {
        gint received;

        memcpy (&received, CMSG_DATA (cmsg) + i * sizeof (gint), sizeof (gint));
        if (fd < 0)
          fd = received;
        else
          close (received);
        n_fds++;
      }
    }
    if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
        || n < (ssize_t) sizeof (WireHeader)) {
      if (fd >= 0)
        close (fd);
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "a truncated message of %zd bytes", n);
      return FALSE;
    }
    if (n_fds > 1) {
      close (fd);
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "a message with %u descriptors", n_fds);
      return FALSE;
    }
    memcpy (&header, channel->recv_buf, sizeof (header));
    payload = channel->recv_buf + sizeof (header);
    payload_size = n - sizeof (header);

    /* only buffers come with a descriptor */
    if (fd >= 0 && header.type != GST_RTCBOT_CHANNEL_BUFFER) {
      close (fd);
      fd = -1;
    }
    message->type = header.type;
    switch (header.type) {
      case GST_RTCBOT_CHANNEL_RELEASE:
        if (header.value >= POOL_SLOTS)
          goto malformed;
        release_slot (channel, (gint) header.value);
        break;
      case GST_RTCBOT_CHANNEL_BUFFER:
        message->buffer = receive_buffer (channel, &header, payload,
            payload_size, fd, error);
        if (fd >= 0)
          close (fd);
        return message->buffer != NULL;
      case GST_RTCBOT_CHANNEL_CAPS:
        if (payload_size == 0 || payload[payload_size - 1] != '\0')
          goto malformed;
        message->caps = gst_caps_from_string ((const gchar *) payload);
        if (!caps_are_valid (message->caps)) {
          gst_clear_caps (&message->caps);
          goto malformed;
        }
        return TRUE;
      case GST_RTCBOT_CHANNEL_SEGMENT:
        if (payload_size != sizeof (GstSegment))
          goto malformed;
        memcpy (&message->segment, payload, sizeof (GstSegment));
        if (!segment_is_valid (&message->segment))
          goto malformed;
        return TRUE;
      case GST_RTCBOT_CHANNEL_ERROR:
      case GST_RTCBOT_CHANNEL_WARNING:
      case GST_RTCBOT_CHANNEL_PARSE_ERROR:
        parse_error_payload (payload, payload_size, message);
        message->code = (gint) (gint64) header.value;
        return TRUE;
      default:
        message->value = header.value;
        return TRUE;
    }
    continue;

  malformed:
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "a malformed message of type %u", header.type);
    return FALSE;
  }
}

void
gst_rtcbot_channel_message_clear (GstRtcbotChannelMessage * message)
{
  gst_clear_buffer (&message->buffer);
  gst_clear_caps (&message->caps);
  g_clear_pointer (&message->text, g_free);
  g_clear_pointer (&message->debug, g_free);
}

/**
 * gst_rtcbot_description_build:
 * @source: whether the description produces (it is followed by an appsink)
 *   or consumes (it is preceded by an appsrc)
 * @description: a gst-launch description
 * @app: (out) (transfer none): the appsink or appsrc
 * @error: what is wrong with @description
 *
 * Returns: (transfer full) (nullable): a pipeline running @description with
 * the app element linked to its unlinked pad.
 */
GstElement *
gst_rtcbot_description_build (gboolean source, const gchar * description,
    GstElement ** app, GError ** error)
{
  GstElement *pipeline, *appel;
  gchar *launch, *missing;

  /* as text, so a description may end (or start) with caps, as a
   * gst-launch-1.0 line does */
  launch = source ?
      g_strdup_printf ("%s ! appsink name=rtcbot-app", description) :
      g_strdup_printf ("appsrc name=rtcbot-app ! %s", description);
  pipeline = gst_rtcbot_parse_launch (launch, GST_PARSE_FLAG_PLACE_IN_BIN,
      error);
  g_free (launch);
  if (pipeline == NULL)
    return NULL;
  if (!GST_IS_PIPELINE (pipeline)) {
    GstElement *bin = pipeline;

    pipeline = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (pipeline), bin);
  }
  gst_object_ref_sink (pipeline);

  appel = gst_bin_get_by_name (GST_BIN (pipeline), "rtcbot-app");
  if (appel == NULL) {
    gst_object_unref (pipeline);
    missing = gst_rtcbot_missing_element_text (source ? "appsink" : "appsrc");
    g_set_error_literal (error, GST_CORE_ERROR,
        GST_CORE_ERROR_MISSING_PLUGIN, missing);
    g_free (missing);
    return NULL;
  }
  if (source) {
    /* the description's own pace: live sources set it, others run free */
    g_object_set (appel, "sync", FALSE, "enable-last-sample", FALSE,
        "max-buffers", 2, "drop", FALSE, NULL);
  } else {
    g_object_set (appel, "format", GST_FORMAT_TIME, "block", TRUE,
        "max-bytes", (guint64) 0, "max-buffers", (guint64) 4,
        "handle-segment-change", TRUE, NULL);
  }
  /* the pipeline holds it */
  gst_object_unref (appel);
  *app = appel;
  return pipeline;
}
