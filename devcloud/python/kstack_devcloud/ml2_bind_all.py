"""An ML2 mechanism driver that binds every port on every host.

The dev cloud has no L2 agents (no Open vSwitch, no VMs), so no stock
mechanism driver can bind a port and Nova's scheduling fails. This driver
binds the first segment offered, as an OVS port would be bound, and marks
the port ACTIVE, so servers reach ACTIVE with real Neutron ports.
"""

from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class BindAllMechanismDriver(api.MechanismDriver):
    """Binds any port to any host without an agent."""

    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID],
                portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True,
                 portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return
