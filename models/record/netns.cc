// SPDX-License-Identifier: GPL-2.0-only
#include "models/record/netns.h"

#include "models/config/toml-input.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace sim
{

std::string
NetnsPath(const std::string& name)
{
    return "/run/netns/" + name;
}

EnterNetns::EnterNetns(const std::string& name)
{
    // /proc/thread-self: setns() changes the calling thread only
    m_home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (m_home < 0)
    {
        throw InputError(fmt::format("record: cannot open this thread's network namespace: {}", std::strerror(errno)));
    }
    const int fd = open(NetnsPath(name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0)
    {
        const std::string why = std::strerror(errno);
        if (fd >= 0)
        {
            close(fd);
        }
        close(m_home);
        throw InputError(fmt::format("record: cannot enter network namespace {}: {}", name, why));
    }
    close(fd);
}

EnterNetns::~EnterNetns()
{
    // Back home; failing here would leave the recorder inside a namespace about to be
    // deleted, which nothing it does later could work in
    if (setns(m_home, CLONE_NEWNET) != 0)
    {
        std::abort();
    }
    close(m_home);
}

} // namespace sim
