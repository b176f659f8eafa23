"""The five errors the Customer Profiles model defines, as moto ``ServiceException``s.

There is no ConflictException or ValidationException in this service: duplicates,
validation failures and quota breaches all surface as ``BadRequestException``.
"""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class CustomerProfilesError(ServiceException):
    """Base of the modeled errors; ``status`` is the HTTP status the model gives it."""

    status = 400


class BadRequestException(CustomerProfilesError):
    code = "BadRequestException"
    status = 400


class AccessDeniedException(CustomerProfilesError):
    code = "AccessDeniedException"
    status = 403


class ResourceNotFoundException(CustomerProfilesError):
    code = "ResourceNotFoundException"
    status = 404


class ThrottlingException(CustomerProfilesError):
    code = "ThrottlingException"
    status = 429


class InternalServerException(CustomerProfilesError):
    code = "InternalServerException"
    status = 500


class InvalidClientTokenId(CustomerProfilesError):
    """Not in the model: what moto answers, under IAM authorization, for an unknown key."""

    code = "InvalidClientTokenId"
    status = 403


class SignatureDoesNotMatch(CustomerProfilesError):
    """Not in the model: moto's answer, under IAM authorization, for a bad signature."""

    code = "SignatureDoesNotMatch"
    status = 403
