#include "kube/local_network.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <memory>
#include <string>

namespace kstack::kube {
namespace {

/// InterfaceList owns the list getifaddrs() returns.
struct InterfaceList {
  ifaddrs* head = nullptr;
  ~InterfaceList() {
    if (head != nullptr) freeifaddrs(head);
  }
};

}  // namespace

bool on_attached_network(std::string_view address) {
  in_addr target{};
  if (inet_pton(AF_INET, std::string(address).c_str(), &target) != 1) return false;
  InterfaceList interfaces;
  if (getifaddrs(&interfaces.head) != 0) return false;
  for (const ifaddrs* i = interfaces.head; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_netmask == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_LOOPBACK) != 0 || (i->ifa_flags & IFF_UP) == 0) continue;
    const auto own = reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr;
    const auto mask = reinterpret_cast<const sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr;
    if ((own & mask) == (target.s_addr & mask)) return true;
  }
  return false;
}

}  // namespace kstack::kube
