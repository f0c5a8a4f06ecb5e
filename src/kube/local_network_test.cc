#include "kube/local_network.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

namespace kstack::kube {
namespace {

TEST(AttachedNetwork, TheLoopbackAndGarbageAreNot) {
  EXPECT_FALSE(on_attached_network("127.0.0.1"));  // the loopback interface is left out on purpose
  EXPECT_FALSE(on_attached_network("not an address"));
  EXPECT_FALSE(on_attached_network(""));
}

TEST(AttachedNetwork, ADocumentationAddressIsNotOnThisMachinesNetworks) {
  // A machine attached to TEST-NET-3 (the lab's client namespace) would answer true; this one is not.
  EXPECT_FALSE(on_attached_network("203.0.113.77"));
}

// In a network namespace of its own (a child process; the tests run as root), attached to
// 203.0.113.0/24 as the lab's client is: its addresses are there, others still are not.
TEST(AttachedNetwork, AnAddressOfAnAttachedNetworkIs) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (unshare(CLONE_NEWNET) != 0) _exit(10);
    if (std::system("ip link add lab0 type veth peer name lab1 && ip addr add 203.0.113.3/24 dev lab0 && ip link set "
                    "lab0 up") != 0) {
      _exit(11);
    }
    if (!on_attached_network("203.0.113.77")) _exit(12);
    if (on_attached_network("203.0.114.1")) _exit(13);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: no namespace, 11: no interface, 12: not found, 13: found wrongly";
}

}  // namespace
}  // namespace kstack::kube
