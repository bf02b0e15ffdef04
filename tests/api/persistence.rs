//! Acknowledged decisions survive a restart of the service, and user text is escaped when shown.

use crate::decisions::atlas;
use crate::helpers::at;
use crate::on_both_databases;

on_both_databases! {
    decisions_survive_a_restart(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        app.command("UALICE", r#"target "run EBR" 2"#).await;
        let answer = app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery "ran Globex EBR solo""#)).await;
        assert!(answer.text.contains("Set <@UBOB>"), "{}", answer.text);
        app.restart().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 2);
        let coverage = app.command("UALICE", "coverage").await;
        assert!(coverage.text.contains("*run EBR*: 1 of 2 at mastery available (50%)"), "{}", coverage.text);
        let me = app.command("UBOB", "me").await;
        assert!(me.text.contains("ran Globex EBR solo"), "{}", me.text);
    }

    user_text_is_escaped_so_nobody_can_ping_the_channel(app) {
        atlas(&app).await;
        // Slack sends what the person typed with <, > and & escaped; Cadence must keep it so.
        let sneaky = "&lt;!channel&gt; &amp; &lt;@UBOSS&gt; &lt;!subteam^S1&gt;";
        let answer = app.command("UALICE", &format!(r#"gap {} "{sneaky}""#, at("UBOB"))).await;
        for forbidden in ["<!channel>", "<@UBOSS>", "<!subteam"] {
            assert!(!answer.text.contains(forbidden), "{forbidden} in {}", answer.text);
        }
        assert!(answer.text.contains("&lt;!channel&gt; &amp; &lt;@UBOSS&gt;"), "{}", answer.text);
        let answer = app.command("UALICE", r#"capability add "&lt;!here&gt; ops""#).await;
        assert!(answer.text.contains("*&lt;!here&gt; ops*"), "{}", answer.text);
        assert!(!answer.text.contains("<!here>"), "{}", answer.text);
    }
}
