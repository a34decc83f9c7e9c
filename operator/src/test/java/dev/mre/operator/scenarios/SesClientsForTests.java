package dev.mre.operator.scenarios;

import dev.mre.sesemulator.SesEmulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** A plain SDK client, playing "someone else in the same AWS account" (console, Terraform, another cluster). */
final class SesClientsForTests {

    private SesClientsForTests() {}

    static SesV2Client outsider(SesEmulator ses, String region) {
        return SesV2Client.builder()
                .endpointOverride(ses.endpoint())
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ses.accessKeyId(), ses.secretAccessKey())))
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }
}
