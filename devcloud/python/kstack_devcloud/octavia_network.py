"""An Octavia network driver whose VIPs are real Neutron ports.

Octavia's no-op network driver invents one VIP address on a port that does
not exist, so no floating IP can be attached to a load balancer. This
driver creates (and deletes) the VIP port in Neutron exactly as the stock
allowed-address-pairs driver does, and answers network, subnet and port
look-ups from Neutron; everything that would touch amphorae stays a no-op,
since the dev cloud runs none.
"""

from oslo_log import log as logging

from octavia.network import base
from octavia.network.drivers.neutron import allowed_address_pairs
from octavia.network.drivers.noop_driver import driver as noop

LOG = logging.getLogger(__name__)

_VIP_PORT_PREFIX = 'octavia-lb-'
_OCTAVIA_OWNER = 'Octavia'


class VipPortNetworkDriver(noop.NoopNetworkDriver):
    """No-op amphora plumbing, real VIP ports."""

    def __init__(self):
        super().__init__()
        self._neutron_driver = None

    @property
    def _neutron(self):
        # Built on first use: Octavia loads its drivers before Neutron may
        # be answering.
        if self._neutron_driver is None:
            self._neutron_driver = (
                allowed_address_pairs.AllowedAddressPairsDriver())
        return self._neutron_driver

    def allocate_vip(self, loadbalancer):
        vip, additional_vips = self._neutron.allocate_vip(loadbalancer)
        LOG.info('VIP port %s (%s) allocated for load balancer %s',
                 vip.port_id, vip.ip_address, loadbalancer.id)
        return vip, additional_vips

    def deallocate_vip(self, vip):
        try:
            port = self._neutron.get_port(vip.port_id)
        except base.PortNotFound:
            return
        if (port.device_owner == _OCTAVIA_OWNER and
                port.name.startswith(_VIP_PORT_PREFIX)):
            self._neutron.delete_port(port.id)
            LOG.info('VIP port %s deleted', port.id)
        else:
            LOG.info('VIP port %s belongs to the user; kept', port.id)

    def get_network(self, network_id, context=None):
        return self._neutron.get_network(network_id, context=context)

    def get_subnet(self, subnet_id, context=None):
        return self._neutron.get_subnet(subnet_id, context=context)

    def get_port(self, port_id, context=None):
        return self._neutron.get_port(port_id, context=context)
