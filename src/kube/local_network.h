#pragma once

#include <string_view>

namespace kstack::kube {

/// True when an IPv4 address lies in the network of one of this machine's own interfaces (the
/// loopback excepted): a network this machine is attached to, where even an address of a range that
/// no public network routes (a test lab's documentation addresses) is really there.
bool on_attached_network(std::string_view address);

}  // namespace kstack::kube
