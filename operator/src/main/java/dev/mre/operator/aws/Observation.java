package dev.mre.operator.aws;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What {@link SesEndpoints#observe} learned of an object's endpoint, in one value: not asked, absent, the List or Get
 * failed, or present with what the tags say about its owner and whether it matches the spec.
 */
public sealed interface Observation {

    /** SES was not asked (paused, invalid spec, account in question, Retain on deletion). */
    record NotObserved() implements Observation {}

    record Absent() implements Observation {}

    /** SES could not be asked: the List, the Get or the tag read failed. */
    record Failed(SesFailure failure) implements Observation {}

    /**
     * @param tags the endpoint's tags when known (read now or remembered), null when not
     * @param ownership who the tags say owns it; {@link Ownership#UNKNOWN} without tags
     * @param tagChanges what a tag sync would change to reach the spec (empty when up to date or unknown)
     */
    record Present(ObservedEndpoint endpoint, KnownTags tags, Ownership ownership, TagChanges tagChanges)
            implements Observation {

        /** The tags were read from SES in this pass: the only proof a Delete or a tag write may rest on. */
        public boolean proven() {
            return tags != null && tags.fresh();
        }

        /** Exists, and its regions and (known) tags are what the spec asks for. */
        public boolean upToDate(DesiredEndpoint d) {
            return tags != null && tagChanges.isEmpty() && d.routesMatch(endpoint);
        }
    }

    /** Who an endpoint belongs to, as far as its tags tell. */
    enum Ownership {
        /** The owner tag names this object. */
        MINE,
        /** The owner tag names another object (of this or another cluster). */
        ANOTHER,
        /** No owner tag, and no adoption marker for this object. */
        UNMANAGED,
        /** No owner tag, and its AWS owner marked it adoptable by exactly this object. */
        ADOPTABLE,
        /**
         * The owner tag names another object, and the handover tag next to it gives the endpoint to exactly this
         * object of this cluster (written by its owner): this object takes it.
         */
        HANDED_OVER,
        /** The tags are not known. */
        UNKNOWN;

        public boolean refused() {
            return this == ANOTHER || this == UNMANAGED || this == ADOPTABLE;
        }
    }

    /**
     * An endpoint's tags as the operator knows them.
     *
     * @param asOf when they were read from SES or written by the operator itself
     * @param fresh read from SES during this reconciliation: the only knowledge that may justify a Delete,
     *              TagResource or UntagResource; otherwise remembered from the operator's own Create, tag write or
     *              an earlier read of the same endpoint id (never from the object's status)
     */
    record KnownTags(Map<String, String> tags, Instant asOf, boolean fresh) {
        public KnownTags {
            tags = Map.copyOf(tags);
        }
    }

    /** Tags to add or change, and keys to remove: TagResource and UntagResource. */
    record TagChanges(Map<String, String> add, Set<String> remove) {
        public static final TagChanges NONE = new TagChanges(Map.of(), Set.of());

        public TagChanges {
            add = Map.copyOf(add);
            remove = Set.copyOf(remove);
        }

        public boolean isEmpty() {
            return add.isEmpty() && remove.isEmpty();
        }

        /** From {@code actual} to {@code desired}; AWS-reserved {@code aws:} tags (in any case) are never removed. */
        public static TagChanges between(Map<String, String> desired, Map<String, String> actual) {
            Map<String, String> add = new HashMap<>();
            desired.forEach((k, v) -> {
                if (!v.equals(actual.get(k))) {
                    add.put(k, v);
                }
            });
            Set<String> remove = new HashSet<>();
            for (String k : actual.keySet()) {
                if (!desired.containsKey(k) && !dev.mre.operator.api.Tag.reservedByAws(k)) {
                    remove.add(k);
                }
            }
            return add.isEmpty() && remove.isEmpty() ? NONE : new TagChanges(add, remove);
        }

        /** The tags after applying these changes to {@code before}. */
        public Map<String, String> applyTo(Map<String, String> before) {
            Map<String, String> after = new HashMap<>(before);
            after.putAll(add);
            after.keySet().removeAll(remove);
            return after;
        }
    }

    Observation NOT_OBSERVED = new NotObserved();
    Observation ABSENT = new Absent();

    /** Judges {@code endpoint} with {@code tags} (null: not known) against what {@code d} asks for. */
    static Present present(DesiredEndpoint d, ObservedEndpoint endpoint, KnownTags tags) {
        return new Present(
                endpoint,
                tags,
                d.ownership(tags),
                tags == null ? TagChanges.NONE : TagChanges.between(d.tags(), tags.tags()));
    }
}
