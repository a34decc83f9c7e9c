package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.ListMultiRegionEndpointsResponse;
import software.amazon.awssdk.services.sesv2.model.MultiRegionEndpoint;
import software.amazon.awssdk.services.sesv2.model.Status;

/** ListMultiRegionEndpoints: pages, tokens, limits. */
class PaginationTest extends EmulatorTestBase {

    private static List<String> createMany(int n) {
        List<String> names = IntStream.rangeClosed(1, n)
                .mapToObj(i -> String.format("ep-%02d", i))
                .toList();
        names.forEach(EmulatorTestBase::create);
        return names;
    }

    @Test
    void pagesThrough25EndpointsTenAtATime() {
        List<String> names = createMany(25);
        List<Integer> pageSizes = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            String current = token;
            ListMultiRegionEndpointsResponse page =
                    ses.listMultiRegionEndpoints(r -> r.pageSize(10).nextToken(current));
            pageSizes.add(page.multiRegionEndpoints().size());
            page.multiRegionEndpoints().forEach(e -> seen.add(e.endpointName()));
            token = page.nextToken();
        } while (token != null);

        assertThat(pageSizes).containsExactly(10, 10, 5);
        assertThat(seen).containsExactlyElementsOf(names);
        assertThat(ses.listMultiRegionEndpointsPaginator(r -> r.pageSize(7)).multiRegionEndpoints())
                .extracting(MultiRegionEndpoint::endpointName)
                .containsExactlyElementsOf(names);
    }

    @Test
    void listItemsCarryRegionsStatusAndTimestamps() {
        create("listed");
        MultiRegionEndpoint item =
                ses.listMultiRegionEndpoints(r -> {}).multiRegionEndpoints().get(0);
        assertThat(item.endpointName()).isEqualTo("listed");
        assertThat(item.status()).isEqualTo(Status.CREATING);
        assertThat(item.endpointId()).matches("[a-z0-9]{8}\\.[a-z0-9]{3}");
        assertThat(item.regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(item.createdTimestamp()).isNotNull().isEqualTo(item.lastUpdatedTimestamp());
    }

    @Test
    void defaultPageSizeIsASetting() {
        createMany(5);
        emu.updateSettings(s -> s.withDefaultPageSize(3));
        ListMultiRegionEndpointsResponse first = ses.listMultiRegionEndpoints(r -> {});
        assertThat(first.multiRegionEndpoints()).hasSize(3);
        assertThat(first.nextToken()).isNotNull();
    }

    @Test
    void thePaginatorWalks2500EndpointsInThreePagesOf1000() throws Exception {
        emu.updateSettings(s -> s.withQuota(3000));
        List<String> names = IntStream.range(0, 2500)
                .mapToObj(i -> String.format("bulk-%04d", i))
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> creates = new ArrayList<>();
            names.forEach(n -> creates.add(pool.submit(() -> create(n))));
            for (Future<?> f : creates) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long listsBefore = emu.calls().count(Operation.LIST_MULTI_REGION_ENDPOINTS);
        List<ListMultiRegionEndpointsResponse> pages =
                ses.listMultiRegionEndpointsPaginator(r -> r.pageSize(1000)).stream()
                        .toList();

        assertThat(pages).extracting(p -> p.multiRegionEndpoints().size()).containsExactly(1000, 1000, 500);
        assertThat(pages)
                .extracting(ListMultiRegionEndpointsResponse::nextToken)
                .satisfiesExactly(
                        t -> assertThat(t).matches(PageTokens.MODEL_PATTERN),
                        t -> assertThat(t).matches(PageTokens.MODEL_PATTERN),
                        t -> assertThat(t).isNull());
        assertThat(pages.stream()
                        .flatMap(p -> p.multiRegionEndpoints().stream())
                        .map(MultiRegionEndpoint::endpointName))
                .containsExactlyElementsOf(names);
        assertThat(emu.calls().count(Operation.LIST_MULTI_REGION_ENDPOINTS) - listsBefore)
                .isEqualTo(3);
    }

    @Test
    void everyTokenIsPaddedStandardBase64AsTheModelDefines() {
        // names of many lengths, so that tokens end in "==", "=" and no padding at all
        List<String> names = IntStream.rangeClosed(1, 30)
                .mapToObj(i -> "n".repeat(i))
                .sorted()
                .toList();
        names.forEach(EmulatorTestBase::create);
        List<String> tokens = new ArrayList<>();
        for (int pageSize = 1; pageSize <= 3; pageSize++) {
            int size = pageSize;
            ses.listMultiRegionEndpointsPaginator(r -> r.pageSize(size)).stream()
                    .map(ListMultiRegionEndpointsResponse::nextToken)
                    .filter(java.util.Objects::nonNull)
                    .forEach(tokens::add);
        }
        assertThat(tokens).hasSizeGreaterThan(40).allSatisfy(t -> assertThat(t).matches(PageTokens.MODEL_PATTERN));
        assertThat(tokens)
                .anySatisfy(t -> assertThat(t).endsWith("=="))
                .anySatisfy(t -> assertThat(t).endsWith("=").doesNotEndWith("=="))
                .anySatisfy(t -> assertThat(t).doesNotEndWith("="));
    }

    @Test
    void tokensOfAnotherAccountOrInAnotherSpellingAreRefused() {
        createMany(3);
        String token = ses.listMultiRegionEndpoints(r -> r.pageSize(1)).nextToken();
        emu.addCredentials(new Credentials("AKIDPAGES", "pages-secret", "210987654321", "pages"));
        try (SesV2Client other = Sdk.ses(
                emu,
                Region.US_EAST_1,
                "AKIDPAGES",
                "pages-secret",
                software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry())) {
            create(other, "ep-01", "eu-west-1", Map.of());
            create(other, "ep-02", "eu-west-1", Map.of());
            assertThatThrownBy(() -> other.listMultiRegionEndpoints(r -> r.nextToken(token)))
                    .isInstanceOf(BadRequestException.class);
        }
        String urlSafe = token.replace('+', '-').replace('/', '_').replace("=", "");
        if (!urlSafe.equals(token)) {
            assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.nextToken(urlSafe)))
                    .isInstanceOf(BadRequestException.class);
        }
        String tampered = java.util.Base64.getEncoder()
                .encodeToString("v2|123456789012|us-east-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.nextToken(tampered)))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("Invalid NextToken"));
        assertThat(ses.listMultiRegionEndpoints(r -> r.nextToken(token)).multiRegionEndpoints())
                .extracting(MultiRegionEndpoint::endpointName)
                .containsExactly("ep-02", "ep-03");
    }

    @Test
    void badTokensAndPageSizesAreBadRequests() {
        createMany(3);
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.nextToken("not-a-token!")))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("NextToken"));
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.pageSize(0)))
                .isInstanceOfSatisfying(
                        BadRequestException.class,
                        e -> assertThat(e.getMessage()).contains("'PageSize'"));
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.pageSize(1001)))
                .isInstanceOf(BadRequestException.class);
        assertThat(ses.listMultiRegionEndpoints(r -> r.pageSize(1000)).multiRegionEndpoints())
                .hasSize(3);

        String usToken = ses.listMultiRegionEndpoints(r -> r.pageSize(1)).nextToken();
        try (SesV2Client eu = Sdk.ses(emu, Region.EU_WEST_1)) {
            create(eu, "eu-1", "us-east-1", Map.of());
            assertThatThrownBy(() -> eu.listMultiRegionEndpoints(r -> r.nextToken(usToken)))
                    .isInstanceOf(BadRequestException.class);
        }
    }
}
