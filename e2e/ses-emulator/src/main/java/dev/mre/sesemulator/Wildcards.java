package dev.mre.sesemulator;

/**
 * IAM's wildcard matching: {@code *} is any run of characters (also none, also across ':' and '/'),
 * {@code ?} is exactly one character, everything else is literal. Used for Action, Resource and StringLike.
 *
 * <p>Written by hand because it is ten lines: a glob-to-regex translation would need quoting of every other
 * character, and {@code java.nio.file.PathMatcher} gives '/' a meaning that IAM does not.
 */
final class Wildcards {

    private Wildcards() {}

    static boolean matches(String pattern, String text, boolean ignoreCase) {
        int p = 0;
        int t = 0;
        int starAt = -1;
        int resumeAt = 0;
        while (t < text.length()) {
            if (p < pattern.length()
                    && (pattern.charAt(p) == '?' || same(pattern.charAt(p), text.charAt(t), ignoreCase))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starAt = p++;
                resumeAt = t;
            } else if (starAt >= 0) {
                // let the last '*' swallow one more character and retry from there
                p = starAt + 1;
                t = ++resumeAt;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    private static boolean same(char a, char b, boolean ignoreCase) {
        return a == b || ignoreCase && Character.toLowerCase(a) == Character.toLowerCase(b);
    }
}
