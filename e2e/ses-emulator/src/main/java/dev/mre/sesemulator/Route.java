package dev.mre.sesemulator;

import java.util.List;
import java.util.Map;

/**
 * What a request asks for, decided from method and path alone (and the form body for STS).
 *
 * @param pathName the decoded {EndpointName} path segment of Get/Delete, else null
 * @param service  which protocol answers (an unknown request still needs an error format)
 */
record Route(Operation operation, Operation.Service service, String pathName) {

    private static final String ENDPOINTS = "/v2/email/multi-region-endpoints";
    private static final String TAGS = "/v2/email/tags";
    private static final String IDENTITIES = "/v2/email/identities";
    private static final String CONFIGURATION_SETS = "/v2/email/configuration-sets";

    static Route of(IncomingRequest request) {
        String path = request.rawPath();
        String method = request.method();
        if (path.equals("/") && isStsRequest(request)) {
            String action = stsParameter(request, "Action");
            Operation op = switch (action == null ? "" : action) {
                case "GetCallerIdentity" -> Operation.GET_CALLER_IDENTITY;
                case "AssumeRole" -> Operation.ASSUME_ROLE;
                default -> Operation.UNKNOWN;
            };
            return new Route(op, Operation.Service.STS, null);
        }
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (trimmed.equals(ENDPOINTS)) {
            return switch (method) {
                case "POST" -> ses(Operation.CREATE_MULTI_REGION_ENDPOINT, null);
                case "GET" -> ses(Operation.LIST_MULTI_REGION_ENDPOINTS, null);
                default -> unknown();
            };
        }
        if (trimmed.startsWith(ENDPOINTS + "/") && trimmed.indexOf('/', ENDPOINTS.length() + 1) < 0) {
            String name = UriEncoding.decode(trimmed.substring(ENDPOINTS.length() + 1), false);
            return switch (method) {
                case "GET" -> ses(Operation.GET_MULTI_REGION_ENDPOINT, name);
                case "DELETE" -> ses(Operation.DELETE_MULTI_REGION_ENDPOINT, name);
                default -> unknown();
            };
        }
        Route mail = mailRoute(method, trimmed);
        if (mail != null) {
            return mail;
        }
        if (trimmed.equals(TAGS)) {
            return switch (method) {
                case "POST" -> ses(Operation.TAG_RESOURCE, null);
                case "DELETE" -> ses(Operation.UNTAG_RESOURCE, null);
                case "GET" -> ses(Operation.LIST_TAGS_FOR_RESOURCE, null);
                default -> unknown();
            };
        }
        return unknown();
    }

    /** Identities, configuration sets, the account and sending; null for any other path. */
    private static Route mailRoute(String method, String path) {
        switch (path) {
            case IDENTITIES:
                return switch (method) {
                    case "POST" -> ses(Operation.CREATE_EMAIL_IDENTITY, null);
                    case "GET" -> ses(Operation.LIST_EMAIL_IDENTITIES, null);
                    default -> unknown();
                };
            case "/v2/email/list-identities":
                // the current model (SDK 2.57.x): POST with PageSize, NextToken, Filter in the body
                return method.equals("POST") ? ses(Operation.LIST_EMAIL_IDENTITIES, null) : unknown();
            case CONFIGURATION_SETS:
                return method.equals("POST") ? ses(Operation.CREATE_CONFIGURATION_SET, null) : unknown();
            case "/v2/email/account":
                return method.equals("GET") ? ses(Operation.GET_ACCOUNT, null) : unknown();
            case "/v2/email/outbound-emails":
                return method.equals("POST") ? ses(Operation.SEND_EMAIL, null) : unknown();
            default:
                break;
        }
        String identity = singleSegmentAfter(path, IDENTITIES);
        if (identity != null) {
            return switch (method) {
                case "GET" -> ses(Operation.GET_EMAIL_IDENTITY, identity);
                case "DELETE" -> ses(Operation.DELETE_EMAIL_IDENTITY, identity);
                default -> unknown();
            };
        }
        String set = singleSegmentAfter(path, CONFIGURATION_SETS);
        if (set != null) {
            return switch (method) {
                case "GET" -> ses(Operation.GET_CONFIGURATION_SET, set);
                case "DELETE" -> ses(Operation.DELETE_CONFIGURATION_SET, set);
                default -> unknown();
            };
        }
        return null;
    }

    /** The decoded segment in {@code prefix/<segment>}, or null. */
    private static String singleSegmentAfter(String path, String prefix) {
        if (path.startsWith(prefix + "/") && path.indexOf('/', prefix.length() + 1) < 0) {
            return UriEncoding.decode(path.substring(prefix.length() + 1), false);
        }
        return null;
    }

    /** STS uses the query protocol: {@code POST /} with a form body (or GET with the same query parameters). */
    private static boolean isStsRequest(IncomingRequest request) {
        return stsParameter(request, "Action") != null || isForm(request);
    }

    static String stsParameter(IncomingRequest request, String name) {
        Map<String, List<String>> params = stsParameters(request);
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Query parameters plus, for a form POST, the form fields. */
    static Map<String, List<String>> stsParameters(IncomingRequest request) {
        Map<String, List<String>> params = UriEncoding.parseQuery(request.rawQuery(), true);
        if (isForm(request)) {
            UriEncoding.parseQuery(new String(request.body(), java.nio.charset.StandardCharsets.UTF_8), true)
                    .forEach((k, v) -> params.computeIfAbsent(k, x -> new java.util.ArrayList<>())
                            .addAll(v));
        }
        return params;
    }

    private static boolean isForm(IncomingRequest request) {
        String type = request.header("content-type");
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static Route ses(Operation op, String name) {
        return new Route(op, Operation.Service.SES, name);
    }

    private static Route unknown() {
        return new Route(Operation.UNKNOWN, Operation.Service.SES, null);
    }
}
