/*
 * routes.c - every route of the JSON API, in one table: method, path,
 * roles allowed, audit event, body limit, flags and handler. The server
 * refuses to start if an entry has no access rule (deny by default).
 *
 * The client routes are ROUTE_DEV until sign-in exists (identity issue):
 * `confidant serve` serves them only with --insecure-dev, on loopback.
 */
#include "api/api.h"
#include "audit/audit.h"

#define KB 1024

const struct route api_routes[] = {
        {HTTP_GET, "/api/v1/health", 0, AUDIT_NONE, 0, ROUTE_PUBLIC, api_health},
        {HTTP_POST, "/api/v1/clients", ROLE_OWNER | ROLE_CLINICIAN, AUDIT_CLIENT_CREATE, 16 * KB,
         ROUTE_DEV, api_client_create},
        {HTTP_GET, "/api/v1/clients", ROLE_OWNER | ROLE_CLINICIAN, AUDIT_CLIENT_LIST, 0, ROUTE_DEV,
         api_client_list},
        {HTTP_POST, "/api/v1/clients/search", ROLE_OWNER | ROLE_CLINICIAN, AUDIT_CLIENT_SEARCH,
         1 * KB, ROUTE_DEV, api_client_search},
        {HTTP_GET, "/api/v1/clients/{id}", ROLE_OWNER | ROLE_CLINICIAN, AUDIT_CLIENT_READ, 0,
         ROUTE_DEV, api_client_get},
        {HTTP_PATCH, "/api/v1/clients/{id}", ROLE_OWNER | ROLE_CLINICIAN, AUDIT_CLIENT_UPDATE,
         16 * KB, ROUTE_DEV, api_client_update},
};
const size_t api_route_count = sizeof api_routes / sizeof api_routes[0];
