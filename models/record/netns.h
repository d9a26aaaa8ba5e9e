// SPDX-License-Identifier: GPL-2.0-only
// Network namespaces made by `ip netns add NAME` (a file under /run/netns), entered for
// a while by the thread that records: what it opens there (a listening socket, a
// packet socket) stays in that namespace after it leaves, and a child it forks there
// lives there (copy_net_ns() is not called on fork: the child shares its parent's
// nsproxy, setns(2) changed the parent's).
#pragma once

#include <string>

namespace sim
{

// /run/netns/NAME, where `ip netns add` mounts the namespace
std::string NetnsPath(const std::string& name);

// setns(2) into a namespace for the scope's lifetime; back to the one the thread was
// in when the scope ends (also on an exception). Throws InputError when either fails.
class EnterNetns
{
  public:
    explicit EnterNetns(const std::string& name);
    ~EnterNetns();
    EnterNetns(const EnterNetns&) = delete;
    EnterNetns& operator=(const EnterNetns&) = delete;

  private:
    int m_home = -1; // the thread's namespace before
};

} // namespace sim
