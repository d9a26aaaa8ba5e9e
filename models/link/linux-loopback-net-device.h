// SPDX-License-Identifier: GPL-2.0-only
// The loopback device of one Linux host: ns-3's LoopbackNetDevice with the per-packet
// latency of the real path (netif_rx() to the receiving softirq) and a capture tap.
// Added to the node before InternetStackHelper::Install(), it is the device that
// Ipv4L3Protocol::SetupLoopback() finds and gives 127.0.0.1.
#pragma once

#include "models/link/link-faults.h"

#include <ns3/loopback-net-device.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>

#include <functional>
#include <memory>

namespace sim
{

// The softirq a sending call runs on loopback. In Linux the transmit path queues the
// skb on this CPU's backlog (loopback_xmit() -> __netif_rx(), bottom halves off since
// __dev_queue_xmit()'s rcu_read_lock_bh()), and rcu_read_unlock_bh() ->
// local_bh_enable() -> do_softirq() runs net_rx_action() -> process_backlog() before
// the call goes on: the peer's tcp_v4_rcv(), and what that sends at once (a quick ACK,
// queued on the same backlog by the same loopback_xmit()), all inside the sender's
// system call. process_backlog() loops until the queue is empty; the call returns
// after that. Here: the packets a call sent, and those its deliveries sent in turn,
// are counted until the last is delivered (`drained` then runs).
struct LoopbackSoftirq
{
    int in_flight = 0;   // enqueued by netif_rx(), not yet through tcp_v4_rcv()
    uint32_t wakes = 0;  // tasks woken by those deliveries (sk_data_ready() and friends)
    uint32_t paid = 0;   // of those wakes, how many the sending call has spent time on
    std::function<void()> drained;
};

class LinuxLoopbackNetDevice : public ns3::LoopbackNetDevice
{
  public:
    // The softirq whose packets are being sent or delivered now, if any: set by a
    // sending call around its transmits (Scope) and by Deliver() around the receive
    // path of one of its packets
    static LoopbackSoftirq* Current();
    class Scope
    {
      public:
        explicit Scope(std::shared_ptr<LoopbackSoftirq> s);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

      private:
        std::shared_ptr<LoopbackSoftirq> m_saved;
    };

    // Called with each IP packet as it leaves the sender: on lo, libpcap keeps only the
    // receive-side copy (linux_check_direction()), stamped at netif_rx().
    // the packet, and how long after now the capture sees it
    using Tap = std::function<void(ns3::Ptr<const ns3::Packet>, ns3::Time)>;

    static ns3::TypeId GetTypeId();

    // `latency`: from the stack handing a segment to the device to the receiver's
    // tcp_v4_rcv(); `before_tap` of it passes before the capture sees the frame
    void SetLatency(ns3::Time latency, ns3::Time before_tap = ns3::Time(0))
    {
        m_latency = latency;
        m_beforeTap = before_tap < latency ? before_tap : latency;
    }
    void SetTap(Tap tap) { m_tap = std::move(tap); }
    // The link's faults ([link] drop, loss); the server's packets are those from its port
    void SetFaults(std::shared_ptr<FaultInjector> faults, uint16_t server_port)
    {
        m_faults = std::move(faults);
        m_serverPort = server_port;
    }
    // Where IPv4 packets go instead of the node's protocol handlers (the TCP's loopback
    // shortcut); null for ns-3's own path
    void SetIpv4Input(std::function<void(ns3::Ptr<ns3::Packet>)> input) { m_ipv4Input = std::move(input); }

    bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest, uint16_t protocol) override;
    bool SendFrom(ns3::Ptr<ns3::Packet> packet,
                  const ns3::Address& source,
                  const ns3::Address& dest,
                  uint16_t protocol) override;
    void SetReceiveCallback(ReceiveCallback cb) override;
    // ns-3's parses "ff:ff:ff:ff:ff:ff" on every call, and IPv4 asks once per packet
    ns3::Address GetBroadcast() const override;
    void SetPromiscReceiveCallback(PromiscReceiveCallback cb) override;

  protected:
    void DoDispose() override;

  private:
    void Deliver(ns3::Ptr<ns3::Packet> packet,
                 uint16_t protocol,
                 std::shared_ptr<LoopbackSoftirq> softirq,
                 bool lost);
    Sender SenderOf(ns3::Ptr<const ns3::Packet> packet) const;

    // ns-3 runs one event at a time: the softirq of the call or delivery under way
    static std::shared_ptr<LoopbackSoftirq> s_current;

    ns3::Time m_latency;
    ns3::Time m_beforeTap;
    Tap m_tap;
    std::shared_ptr<FaultInjector> m_faults;
    uint16_t m_serverPort = 0;
    std::function<void(ns3::Ptr<ns3::Packet>)> m_ipv4Input;
    ReceiveCallback m_rx;
    PromiscReceiveCallback m_promisc;
};

} // namespace sim
