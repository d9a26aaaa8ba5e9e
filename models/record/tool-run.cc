// SPDX-License-Identifier: GPL-2.0-only
#include "models/record/tool-run.h"

#include "models/config/toml-input.h"
#include "models/record/netns.h"

#include <fcntl.h>
#include <csignal>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <sstream>

namespace sim
{

std::string
FindTool(const std::string& name)
{
    const char* env = std::getenv("PATH");
    std::stringstream dirs(std::string(env ? env : "") + ":/usr/sbin:/sbin");
    for (std::string dir; std::getline(dirs, dir, ':');)
    {
        const std::string path = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (access(path.c_str(), X_OK) == 0 && !std::filesystem::is_directory(path))
        {
            return path;
        }
    }
    return "";
}

namespace
{

std::string
CommandText(const std::vector<std::string>& argv, const std::string& netns)
{
    std::string text = netns.empty() ? "" : "(in " + netns + ") ";
    for (size_t i = 0; i < argv.size(); ++i)
    {
        text += (i ? " " : "") + (i ? argv[i] : std::filesystem::path(argv[i]).filename().string());
    }
    return text;
}

std::string
FirstLine(const std::string& s)
{
    const size_t start = s.find_first_not_of(" \n");
    if (start == std::string::npos)
    {
        return "";
    }
    return s.substr(start, s.find('\n', start) - start);
}

} // namespace

void
RunTool(const std::vector<std::string>& argv, const std::string& netns, const std::string& input)
{
    // Everything the child needs is made before fork(): after it, only setns, dup2
    // and execv, which are safe in the child of a process that may have threads
    std::vector<char*> args;
    for (const std::string& a : argv)
    {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const int ns = netns.empty() ? -1 : open(NetnsPath(netns).c_str(), O_RDONLY | O_CLOEXEC);
    int in[2];
    int err[2];
    if ((!netns.empty() && ns < 0) || pipe2(in, O_CLOEXEC) != 0)
    {
        throw InputError(fmt::format("record: cannot run {}: {}", CommandText(argv, netns), std::strerror(errno)));
    }
    if (pipe2(err, O_CLOEXEC) != 0)
    {
        const std::string why = std::strerror(errno);
        for (int fd : {ns, in[0], in[1]})
        {
            if (fd >= 0)
            {
                close(fd);
            }
        }
        throw InputError(fmt::format("record: cannot run {}: {}", CommandText(argv, netns), why));
    }
    const pid_t pid = fork();
    if (pid == 0)
    {
        if ((ns >= 0 && setns(ns, CLONE_NEWNET) != 0) || dup2(in[0], 0) < 0 || dup2(err[1], 1) < 0 ||
            dup2(err[1], 2) < 0)
        {
            _exit(127);
        }
        execv(args[0], args.data());
        _exit(127);
    }
    const int fork_errno = errno;
    if (ns >= 0)
    {
        close(ns);
    }
    close(in[0]);
    close(err[1]);
    if (pid < 0)
    {
        close(in[1]);
        close(err[0]);
        throw InputError(fmt::format("record: cannot run {}: {}", CommandText(argv, netns), std::strerror(fork_errno)));
    }
    // The inputs here are a few hundred bytes: they fit the pipe, so writing all of
    // it before reading the tool's output cannot block. A tool that exits without
    // reading it must not take the recorder down with SIGPIPE: its status says why.
    struct sigaction ignore = {};
    struct sigaction before = {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &before);
    const ssize_t written = input.empty() ? 0 : write(in[1], input.data(), input.size());
    (void)written;
    sigaction(SIGPIPE, &before, nullptr);
    close(in[1]);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(err[0], buf, sizeof(buf))) != 0;)
    {
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n < 0)
        {
            break;
        }
        out.append(buf, static_cast<size_t>(n));
    }
    close(err[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        const std::string why = FirstLine(out);
        throw InputError(fmt::format("record: {} failed{}", CommandText(argv, netns),
                                     why.empty() ? fmt::format(" (exit status {})", WEXITSTATUS(status)) : ": " + why));
    }
}

} // namespace sim
