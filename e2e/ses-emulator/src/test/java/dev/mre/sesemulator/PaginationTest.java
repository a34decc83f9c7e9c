package dev.mre.sesemulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        List<String> names = IntStream.rangeClosed(1, n).mapToObj(i -> String.format("ep-%02d", i)).toList();
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
            ListMultiRegionEndpointsResponse page = ses.listMultiRegionEndpoints(r -> r.pageSize(10).nextToken(current));
            pageSizes.add(page.multiRegionEndpoints().size());
            page.multiRegionEndpoints().forEach(e -> seen.add(e.endpointName()));
            token = page.nextToken();
        } while (token != null);

        assertThat(pageSizes).containsExactly(10, 10, 5);
        assertThat(seen).containsExactlyElementsOf(names);
        assertThat(ses.listMultiRegionEndpointsPaginator(r -> r.pageSize(7)).multiRegionEndpoints())
                .extracting(MultiRegionEndpoint::endpointName).containsExactlyElementsOf(names);
    }

    @Test
    void listItemsCarryRegionsStatusAndTimestamps() {
        create("listed");
        MultiRegionEndpoint item = ses.listMultiRegionEndpoints(r -> { }).multiRegionEndpoints().get(0);
        assertThat(item.endpointName()).isEqualTo("listed");
        assertThat(item.status()).isEqualTo(Status.CREATING);
        assertThat(item.endpointId()).matches("[a-z0-9]{8}\\.[a-z0-9]{3}");
        assertThat(item.regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(item.createdTimestamp()).isNotNull().isEqualTo(item.lastUpdatedTimestamp());
    }

    @Test
    void defaultPageSizeIsASetting() {
        createMany(5);
        emu.settings().defaultPageSize(3);
        ListMultiRegionEndpointsResponse first = ses.listMultiRegionEndpoints(r -> { });
        assertThat(first.multiRegionEndpoints()).hasSize(3);
        assertThat(first.nextToken()).isNotNull();
    }

    @Test
    void badTokensAndPageSizesAreBadRequests() {
        createMany(3);
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.nextToken("not-a-token!")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("NextToken"));
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.pageSize(0)))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("'PageSize'"));
        assertThatThrownBy(() -> ses.listMultiRegionEndpoints(r -> r.pageSize(1001))).isInstanceOf(BadRequestException.class);
        assertThat(ses.listMultiRegionEndpoints(r -> r.pageSize(1000)).multiRegionEndpoints()).hasSize(3);

        String usToken = ses.listMultiRegionEndpoints(r -> r.pageSize(1)).nextToken();
        try (SesV2Client eu = Sdk.ses(emu, Region.EU_WEST_1)) {
            create(eu, "eu-1", "us-east-1", Map.of());
            assertThatThrownBy(() -> eu.listMultiRegionEndpoints(r -> r.nextToken(usToken))).isInstanceOf(BadRequestException.class);
        }
    }
}
