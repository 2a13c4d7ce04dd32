"""What can go wrong between a training job and modehop, as exceptions a job can catch by kind."""


class ModehopError(Exception):
    """Base class of every error this client raises."""


class BrokerUnreachable(ModehopError):
    """No Kafka broker answered at the bootstrap address within the connect timeout."""


class RegistryUnreachable(ModehopError):
    """The schema registry did not answer within the timeout."""


class SchemaError(ModehopError):
    """A schema could not be found, parsed, registered, or a record does not fit it."""


class TopicMissing(ModehopError):
    """The broker answered but does not have one of modehop's topics (wrong prefix, or topics not created)."""


class DeliveryFailed(ModehopError):
    """The broker did not acknowledge a record (or refused it) within the delivery timeout."""


class CheckpointIncomplete(ModehopError):
    """A checkpoint folder lacks config.json or weights (or a shard), or kept changing, so it was not announced."""
