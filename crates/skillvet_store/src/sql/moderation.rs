//! `ModerationStore` written once for both backends (see [`super`]). Each action is one
//! write transaction: the change, its skill/state event and its audit event. The audit table
//! is only ever inserted into, by `TxOps::audit` (`crate::sql::ops`).

macro_rules! moderation_store {
    ($store:ident, $tx:ident, $db:ty, time = $time:path, json = $json:path) => {
        const _: () = {
            use ::async_trait::async_trait;
            use ::chrono::{DateTime, Utc};
            use ::serde_json::{Value, json};
            use ::skillvet_core::accounts::AccountStore;
            use ::skillvet_core::model::{
                CertTier, Id, Page, PageRequest, Role, Skill, SkillStatus, SkillVersion,
                Submission, Transition, User,
            };
            use ::skillvet_core::queue::{Job, Pause};
            use ::skillvet_core::moderation::{
                AuditAction, AuditEvent, AuditFilter, Blocked, ModerationRequest, ModerationStore,
                Moderator, NewRequest, RequestFilter, RequestKind, RequestStatus,
                SubmissionDecision,
            };
            use ::skillvet_core::pipeline::{BlockEntry, BlockKind, NewBlock};
            use ::skillvet_core::store::{StoreError, StoreResult};
            use ::sqlx::QueryBuilder;

            use $crate::rows::{self, skill_select};
            use $crate::tx::{self, AuditEntry as Entry, TxOps, db_error};

            async fn audit(
                tx: &mut $tx,
                by: &Moderator,
                entry: Entry,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                tx.audit(by, &entry, now).await
            }

            async fn skill_in(tx: &mut $tx, skill_id: Id) -> StoreResult<Skill> {
                let row = sqlx::query(concat!(skill_select!(), "WHERE k.id = $1"))
                    .bind(skill_id)
                    .fetch_optional(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                row.as_ref()
                    .map(rows::skill)
                    .transpose()?
                    .ok_or_else(|| StoreError::NotFound(format!("skill {skill_id}")))
            }

            #[allow(clippy::too_many_arguments)]
            async fn skill_event(
                tx: &mut $tx,
                skill_id: Id,
                from: SkillStatus,
                to: SkillStatus,
                reason: &str,
                by: &Moderator,
                metadata: Value,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO skill_events (skill_id, from_status, to_status, reason, actor, \
                         actor_kind, metadata, at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(skill_id)
                .bind(from.as_str())
                .bind(to.as_str())
                .bind(reason)
                .bind(&by.actor.id)
                .bind(by.actor.kind.as_str())
                .bind($json(&metadata))
                .bind($time(now))
                .execute(&mut *tx.0)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            async fn job_in(tx: &mut $tx, id: Id) -> StoreResult<Option<Job>> {
                let row = sqlx::query("SELECT * FROM jobs WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                row.as_ref().map($crate::queue::job).transpose()
            }

            fn reason_of(by: &Moderator) -> StoreResult<&str> {
                let reason = by.reason.trim();
                if reason.is_empty() {
                    return Err(StoreError::Conflict(
                        "a moderation action needs a reason".into(),
                    ));
                }
                Ok(reason)
            }

            #[async_trait]
            impl ModerationStore for $store {
                async fn file_request(
                    &self,
                    new: &NewRequest,
                    max_open: u32,
                    now: DateTime<Utc>,
                ) -> StoreResult<ModerationRequest> {
                    let mut tx = $tx(self.begin().await?);
                    let open: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM moderation_requests WHERE author = $1 AND status = 'open'",
                    )
                    .bind(&new.author.id)
                    .fetch_one(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    if open >= i64::from(max_open) {
                        return Err(StoreError::Conflict(format!(
                            "{} already has {open} open reports and appeals; wait for reviewers to answer them",
                            new.author.id
                        )));
                    }
                    let row = sqlx::query(
                        "INSERT INTO moderation_requests (kind, package, submission_id, category, message, \
                             author, author_kind, status, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING *",
                    )
                    .bind(new.kind.as_str())
                    .bind(&new.package)
                    .bind(new.submission_id)
                    .bind(&new.category)
                    .bind(new.message.trim())
                    .bind(&new.author.id)
                    .bind(new.author.kind.as_str())
                    .bind($time(now))
                    .fetch_one(&mut *tx.0)
                    .await
                    .map_err(|e| match db_error(e) {
                        StoreError::Conflict(_) => StoreError::Conflict(
                            "this submission already has an open appeal".into(),
                        ),
                        other => other,
                    })?;
                    let request = rows::moderation_request(&row)?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(request)
                }

                async fn requests(
                    &self,
                    filter: &RequestFilter,
                    page: PageRequest,
                ) -> StoreResult<Page<ModerationRequest>> {
                    let mut query =
                        QueryBuilder::<$db>::new("SELECT * FROM moderation_requests WHERE 1 = 1");
                    if let Some(kind) = filter.kind {
                        query.push(" AND kind = ").push_bind(kind.as_str());
                    }
                    if let Some(status) = filter.status {
                        query.push(" AND status = ").push_bind(status.as_str());
                    }
                    if let Some(author) = &filter.author {
                        query.push(" AND author = ").push_bind(author.clone());
                    }
                    if let Some(before) = page.before {
                        query.push(" AND id < ").push_bind(before);
                    }
                    let limit = page.limit.clamp(1, PageRequest::MAX_LIMIT);
                    query
                        .push(" ORDER BY id DESC LIMIT ")
                        .push_bind(i64::from(limit) + 1);
                    let found = query
                        .build()
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(db_error)?;
                    let mut items = found
                        .iter()
                        .map(rows::moderation_request)
                        .collect::<StoreResult<Vec<_>>>()?;
                    let next = if items.len() > limit as usize {
                        items.truncate(limit as usize);
                        items.last().map(|r| r.id)
                    } else {
                        None
                    };
                    Ok(Page { items, next })
                }

                async fn request(&self, id: Id) -> StoreResult<Option<ModerationRequest>> {
                    let row = sqlx::query("SELECT * FROM moderation_requests WHERE id = $1")
                        .bind(id)
                        .fetch_optional(self.read_pool())
                        .await
                        .map_err(db_error)?;
                    row.as_ref().map(rows::moderation_request).transpose()
                }

                async fn resolve_request(
                    &self,
                    id: Id,
                    accept: bool,
                    then: Option<&SubmissionDecision>,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<ModerationRequest> {
                    let reason = reason_of(by)?;
                    let status = if accept { RequestStatus::Accepted } else { RequestStatus::Dismissed };
                    let mut tx = $tx(self.begin().await?);
                    let row = sqlx::query(
                        "UPDATE moderation_requests SET status = $1, resolved_at = $2, resolved_by = $3, \
                             resolution = $4 \
                         WHERE id = $5 AND status = 'open' RETURNING *",
                    )
                    .bind(status.as_str())
                    .bind($time(now))
                    .bind(&by.actor.id)
                    .bind(reason)
                    .bind(id)
                    .fetch_optional(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    let Some(row) = row else {
                        let exists: Option<String> =
                            sqlx::query_scalar("SELECT status FROM moderation_requests WHERE id = $1")
                                .bind(id)
                                .fetch_optional(&mut *tx.0)
                                .await
                                .map_err(db_error)?;
                        return Err(match exists {
                            None => StoreError::NotFound(format!("request {id}")),
                            Some(status) => StoreError::Conflict(format!("request {id} is already {status}")),
                        });
                    };
                    let request = rows::moderation_request(&row)?;
                    let mut after = json!({ "status": status });
                    if let Some(decision) = then {
                        let submission_id = request.submission_id.ok_or_else(|| {
                            StoreError::Conflict(format!("request {id} is not about a submission"))
                        })?;
                        let change = Transition {
                            from: decision.from,
                            to: decision.to,
                            trigger: decision.action.as_str().into(),
                            actor: by.actor.clone(),
                            reason: Some(reason.to_owned()),
                            metadata: json!({ "request_id": id }),
                            commit_sha: None,
                        };
                        tx::transition(&mut tx, submission_id, &change, now).await?;
                        if let Some(priority) = decision.enqueue {
                            tx.enqueue(&tx::verify_job(submission_id, priority, now), now).await?;
                        }
                        after["submission"] = json!({ "id": submission_id, "state": decision.to });
                    }
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: match request.kind {
                                RequestKind::Report => AuditAction::ReportResolve,
                                RequestKind::Appeal => AuditAction::AppealResolve,
                            },
                            target_kind: request.kind.as_str(),
                            target: id.to_string(),
                            package: Some(request.package.clone()),
                            before: json!({ "status": "open", "category": request.category }),
                            after,
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    if then.is_some_and(|d| d.enqueue.is_some()) {
                        self.jobs_committed();
                    }
                    Ok(request)
                }

                async fn moderate_submission(
                    &self,
                    id: Id,
                    decision: &SubmissionDecision,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<Submission> {
                    let reason = reason_of(by)?;
                    let change = Transition {
                        from: decision.from,
                        to: decision.to,
                        trigger: decision.action.as_str().into(),
                        actor: by.actor.clone(),
                        reason: Some(reason.to_owned()),
                        metadata: decision.metadata.clone(),
                        commit_sha: None,
                    };
                    let mut tx = $tx(self.begin().await?);
                    let submission = tx::transition(&mut tx, id, &change, now).await?;
                    if let Some(priority) = decision.enqueue {
                        tx.enqueue(&tx::verify_job(id, priority, now), now).await?;
                    }
                    let repo = &submission.repository;
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: decision.action,
                            target_kind: "submission",
                            target: id.to_string(),
                            package: Some(format!(
                                "{}/{}/{}",
                                repo.owner, repo.name, submission.skill_name
                            )),
                            before: json!({ "state": decision.from }),
                            after: json!({ "state": decision.to, "metadata": decision.metadata }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    if decision.enqueue.is_some() {
                        self.jobs_committed();
                    }
                    Ok(submission)
                }

                async fn set_skill_status(
                    &self,
                    skill_id: Id,
                    from: SkillStatus,
                    to: SkillStatus,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<Skill> {
                    let reason = reason_of(by)?;
                    if from == to {
                        return Err(StoreError::Conflict(format!("the skill is already {to}")));
                    }
                    let mut tx = $tx(self.begin().await?);
                    let before = skill_in(&mut tx, skill_id).await?;
                    // ACTIVE has no reason to show; every other status says why.
                    let shown = (to != SkillStatus::Active).then_some(reason);
                    let done = sqlx::query(
                        "UPDATE skills SET status = $1, status_reason = $2, updated_at = $3 \
                         WHERE id = $4 AND status = $5",
                    )
                    .bind(to.as_str())
                    .bind(shown)
                    .bind($time(now))
                    .bind(skill_id)
                    .bind(from.as_str())
                    .execute(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Conflict(format!(
                            "skill {} is {}, not {from}",
                            before.slug, before.status
                        )));
                    }
                    skill_event(&mut tx, skill_id, from, to, reason, by, json!({}), now).await?;
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::SkillStatus,
                            target_kind: "skill",
                            target: before.slug.clone(),
                            package: Some(before.slug.clone()),
                            before: json!({ "status": from, "status_reason": before.status_reason }),
                            after: json!({ "status": to, "status_reason": shown }),
                        },
                        now,
                    )
                    .await?;
                    let after = skill_in(&mut tx, skill_id).await?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(after)
                }

                async fn set_skill_tier(
                    &self,
                    skill_id: Id,
                    tier: CertTier,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<Skill> {
                    reason_of(by)?;
                    let mut tx = $tx(self.begin().await?);
                    let before = skill_in(&mut tx, skill_id).await?;
                    if before.cert_tier == tier {
                        return Err(StoreError::Conflict(format!(
                            "skill {} is already {tier}",
                            before.slug
                        )));
                    }
                    let method = format!("reviewed:{}", by.actor.id);
                    sqlx::query(
                        "UPDATE skills SET cert_tier = $1, cert_method = $2, certified_at = $3, \
                             updated_at = $3 WHERE id = $4",
                    )
                    .bind(tier.as_str())
                    .bind(&method)
                    .bind($time(now))
                    .bind(skill_id)
                    .execute(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::SkillTier,
                            target_kind: "skill",
                            target: before.slug.clone(),
                            package: Some(before.slug.clone()),
                            before: json!({ "cert_tier": before.cert_tier, "cert_method": before.cert_method }),
                            after: json!({ "cert_tier": tier, "cert_method": method }),
                        },
                        now,
                    )
                    .await?;
                    let after = skill_in(&mut tx, skill_id).await?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(after)
                }

                async fn set_version_yanked(
                    &self,
                    skill_id: Id,
                    version: &str,
                    yanked: bool,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<SkillVersion> {
                    let reason = reason_of(by)?;
                    let mut tx = $tx(self.begin().await?);
                    let skill = skill_in(&mut tx, skill_id).await?;
                    let row = sqlx::query(
                        "UPDATE skill_versions SET yanked = $1, yanked_reason = $2 \
                         WHERE skill_id = $3 AND version = $4 AND yanked = $5 RETURNING *",
                    )
                    .bind(yanked)
                    .bind(yanked.then_some(reason))
                    .bind(skill_id)
                    .bind(version)
                    .bind(!yanked)
                    .fetch_optional(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    let Some(row) = row else {
                        let exists: Option<bool> = sqlx::query_scalar(
                            "SELECT yanked FROM skill_versions WHERE skill_id = $1 AND version = $2",
                        )
                        .bind(skill_id)
                        .bind(version)
                        .fetch_optional(&mut *tx.0)
                        .await
                        .map_err(db_error)?;
                        return Err(match exists {
                            None => StoreError::NotFound(format!(
                                "version {version} of {}",
                                skill.slug
                            )),
                            Some(_) => StoreError::Conflict(format!(
                                "version {version} of {} is already {}",
                                skill.slug,
                                if yanked { "yanked" } else { "served" }
                            )),
                        });
                    };
                    let stored = rows::skill_version(&row)?;
                    skill_event(
                        &mut tx,
                        skill_id,
                        skill.status,
                        skill.status,
                        reason,
                        by,
                        json!({ if yanked { "yanked_version" } else { "unyanked_version" }: version }),
                        now,
                    )
                    .await?;
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: if yanked {
                                AuditAction::VersionYank
                            } else {
                                AuditAction::VersionUnyank
                            },
                            target_kind: "version",
                            target: format!("{}@{version}", skill.slug),
                            package: Some(skill.slug.clone()),
                            before: json!({ "yanked": !yanked }),
                            after: json!({ "yanked": yanked }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(stored)
                }

                async fn block(
                    &self,
                    kind: BlockKind,
                    value: &str,
                    expires_at: Option<DateTime<Utc>>,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<Blocked> {
                    let reason = reason_of(by)?;
                    let value = $crate::pipeline::block_value(&NewBlock {
                        kind,
                        value: value.to_owned(),
                        reason: reason.to_owned(),
                        actor: by.actor.clone(),
                        expires_at,
                    })?;
                    if expires_at.is_some_and(|at| at <= now) {
                        return Err(StoreError::Conflict("the block would already have expired".into()));
                    }
                    let mut tx = $tx(self.begin().await?);
                    let row = sqlx::query(
                        "INSERT INTO blocklist (kind, value, reason, actor, actor_kind, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (kind, value) DO UPDATE SET reason = excluded.reason, \
                             actor = excluded.actor, actor_kind = excluded.actor_kind, \
                             created_at = excluded.created_at, expires_at = excluded.expires_at \
                         WHERE blocklist.expires_at IS NOT NULL AND blocklist.expires_at <= $6 \
                         RETURNING *",
                    )
                    .bind(kind.as_str())
                    .bind(&value)
                    .bind(reason)
                    .bind(&by.actor.id)
                    .bind(by.actor.kind.as_str())
                    .bind($time(now))
                    .bind(expires_at.map($time))
                    .fetch_optional(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    let Some(row) = row else {
                        return Err(StoreError::Conflict(format!(
                            "{kind} {value} is already on the blocklist"
                        )));
                    };
                    let entry = $crate::pipeline::block(&row)?;
                    let shown = entry.describe();
                    let matching: Vec<(Id, String, String)> = sqlx::query_as(
                        "SELECT id, slug, status FROM skills \
                         WHERE status IN ('ACTIVE', 'QUARANTINED') AND ( \
                             ($1 = 'repository' AND repository_id IN \
                                 (SELECT id FROM repositories WHERE owner || '/' || name = $2)) \
                             OR ($1 = 'owner' AND repository_id IN \
                                 (SELECT id FROM repositories WHERE owner = $2)) \
                             OR ($1 = 'skill' AND slug = $2) \
                             OR ($1 = 'content' AND id IN \
                                 (SELECT skill_id FROM skill_versions WHERE tree_hash = $2))) \
                         ORDER BY slug",
                    )
                    .bind(kind.as_str())
                    .bind(&value)
                    .fetch_all(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    let mut skills = Vec::with_capacity(matching.len());
                    for (skill_id, slug, status) in matching {
                        let from: SkillStatus = status.parse().map_err(tx::corrupt)?;
                        let done = sqlx::query(
                            "UPDATE skills SET status = 'BLOCKED', status_reason = $1, updated_at = $2 \
                             WHERE id = $3 AND status = $4",
                        )
                        .bind(&shown)
                        .bind($time(now))
                        .bind(skill_id)
                        .bind(from.as_str())
                        .execute(&mut *tx.0)
                        .await
                        .map_err(db_error)?;
                        if done.rows_affected() == 0 {
                            // Changed by a concurrent moderator since the read: theirs stands.
                            continue;
                        }
                        skill_event(
                            &mut tx,
                            skill_id,
                            from,
                            SkillStatus::Blocked,
                            &shown,
                            by,
                            json!({ "block_id": entry.id }),
                            now,
                        )
                        .await?;
                        audit(
                            &mut tx,
                            by,
                            Entry {
                                action: AuditAction::SkillStatus,
                                target_kind: "skill",
                                target: slug.clone(),
                                package: Some(slug.clone()),
                                before: json!({ "status": from }),
                                after: json!({ "status": SkillStatus::Blocked, "status_reason": shown, "block_id": entry.id }),
                            },
                            now,
                        )
                        .await?;
                        skills.push(slug);
                    }
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::BlockAdd,
                            target_kind: "block",
                            target: format!("{kind}:{value}"),
                            package: None,
                            before: json!({}),
                            after: json!({ "block_id": entry.id, "expires_at": entry.expires_at, "skills_blocked": skills }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(Blocked { entry, skills })
                }

                async fn unblock(
                    &self,
                    kind: BlockKind,
                    value: &str,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<BlockEntry> {
                    reason_of(by)?;
                    let value = value.trim().to_ascii_lowercase();
                    let mut tx = $tx(self.begin().await?);
                    let row = sqlx::query(
                        "DELETE FROM blocklist WHERE kind = $1 AND value = $2 RETURNING *",
                    )
                    .bind(kind.as_str())
                    .bind(&value)
                    .fetch_optional(&mut *tx.0)
                    .await
                    .map_err(db_error)?;
                    let Some(row) = row else {
                        return Err(StoreError::NotFound(format!(
                            "blocklist entry {kind} {value}"
                        )));
                    };
                    let entry = $crate::pipeline::block(&row)?;
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::BlockRemove,
                            target_kind: "block",
                            target: format!("{kind}:{value}"),
                            package: None,
                            before: json!({ "block_id": entry.id, "reason": entry.reason,
                                            "added_by": entry.actor.id, "added_at": entry.created_at }),
                            after: json!({}),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(entry)
                }

                async fn pause_queue(
                    &self,
                    kind: Option<&str>,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<Pause> {
                    if let Some(kind) = kind {
                        $crate::queue::check_kind(kind)?;
                    }
                    let key = kind.unwrap_or($crate::queue::ALL_KINDS);
                    let reason = Some(by.reason.trim().to_owned()).filter(|r| !r.is_empty());
                    let mut tx = $tx(self.begin().await?);
                    let before: Option<Option<String>> =
                        sqlx::query_scalar("SELECT reason FROM queue_pauses WHERE kind = $1")
                            .bind(key)
                            .fetch_optional(&mut *tx.0)
                            .await
                            .map_err(db_error)?;
                    sqlx::query($crate::queue::PAUSE_SQL)
                        .bind(key)
                        .bind(&reason)
                        .bind(&by.actor.id)
                        .bind(by.actor.kind.as_str())
                        .bind($time(now))
                        .execute(&mut *tx.0)
                        .await
                        .map_err(db_error)?;
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::QueuePause,
                            target_kind: "queue",
                            target: key.to_owned(),
                            package: None,
                            before: json!({ "paused": before.is_some(), "reason": before.flatten() }),
                            after: json!({ "paused": true, "reason": reason }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(Pause {
                        kind: kind.map(str::to_owned),
                        reason,
                        actor: by.actor.clone(),
                        at: now,
                    })
                }

                async fn resume_queue(
                    &self,
                    kind: Option<&str>,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<bool> {
                    let key = kind.unwrap_or($crate::queue::ALL_KINDS);
                    let mut tx = $tx(self.begin().await?);
                    let done = sqlx::query($crate::queue::RESUME_SQL)
                        .bind(key)
                        .execute(&mut *tx.0)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Ok(false);
                    }
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::QueueResume,
                            target_kind: "queue",
                            target: key.to_owned(),
                            package: None,
                            before: json!({ "paused": true }),
                            after: json!({ "paused": false }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    self.jobs_ready().await?;
                    Ok(true)
                }

                async fn requeue_job(
                    &self,
                    id: Id,
                    extra_attempts: i32,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<Job> {
                    let mut tx = $tx(self.begin().await?);
                    let before = job_in(&mut tx, id).await?;
                    let row = sqlx::query($crate::queue::REQUEUE_SQL)
                        .bind($time(now))
                        .bind(extra_attempts.max(0))
                        .bind(id)
                        .fetch_optional(&mut *tx.0)
                        .await
                        .map_err(db_error)?;
                    let Some(row) = row else {
                        return Err($crate::queue::not_applicable(id, before, "requeued"));
                    };
                    let job = $crate::queue::job(&row)?;
                    let before = before.expect("the job was just updated");
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::JobRequeue,
                            target_kind: "job",
                            target: id.to_string(),
                            package: None,
                            before: json!({ "state": before.state, "max_attempts": before.max_attempts }),
                            after: json!({ "state": job.state, "max_attempts": job.max_attempts }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    self.jobs_ready().await?;
                    Ok(job)
                }

                async fn reprioritise_job(
                    &self,
                    id: Id,
                    priority: i32,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<Job> {
                    let mut tx = $tx(self.begin().await?);
                    let before = job_in(&mut tx, id).await?;
                    let row = sqlx::query($crate::queue::REPRIORITISE_SQL)
                        .bind(priority)
                        .bind($time(now))
                        .bind(id)
                        .fetch_optional(&mut *tx.0)
                        .await
                        .map_err(db_error)?;
                    let Some(row) = row else {
                        return Err($crate::queue::not_applicable(id, before, "reprioritised"));
                    };
                    let job = $crate::queue::job(&row)?;
                    let before = before.expect("the job was just updated");
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::JobReprioritise,
                            target_kind: "job",
                            target: id.to_string(),
                            package: None,
                            before: json!({ "priority": before.priority }),
                            after: json!({ "priority": job.priority }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    Ok(job)
                }

                async fn grant_role(
                    &self,
                    user_id: Id,
                    role: Role,
                    by: &Moderator,
                    now: DateTime<Utc>,
                ) -> StoreResult<User> {
                    let mut tx = $tx(self.begin().await?);
                    let found: Option<(String, String)> =
                        sqlx::query_as("SELECT login, role FROM users WHERE id = $1")
                            .bind(user_id)
                            .fetch_optional(&mut *tx.0)
                            .await
                            .map_err(db_error)?;
                    let Some((login, before)) = found else {
                        return Err(StoreError::NotFound(format!("user {user_id}")));
                    };
                    if before == role.as_str() {
                        return Err(StoreError::Conflict(format!("{login} is already {role}")));
                    }
                    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                        .bind(role.as_str())
                        .bind(user_id)
                        .execute(&mut *tx.0)
                        .await
                        .map_err(db_error)?;
                    audit(
                        &mut tx,
                        by,
                        Entry {
                            action: AuditAction::RoleGrant,
                            target_kind: "user",
                            target: login.clone(),
                            package: None,
                            before: json!({ "role": before }),
                            after: json!({ "role": role }),
                        },
                        now,
                    )
                    .await?;
                    tx.0.commit().await.map_err(db_error)?;
                    self.user_by_login(&login)
                        .await?
                        .ok_or_else(|| StoreError::NotFound(format!("user {login}")))
                }

                async fn audit_events(
                    &self,
                    filter: &AuditFilter,
                    page: PageRequest,
                ) -> StoreResult<Page<AuditEvent>> {
                    let mut query = QueryBuilder::<$db>::new("SELECT * FROM audit_events WHERE 1 = 1");
                    if let Some(action) = filter.action {
                        query.push(" AND action = ").push_bind(action.as_str());
                    }
                    if let Some(actor) = &filter.actor {
                        query.push(" AND actor = ").push_bind(actor.clone());
                    }
                    if let Some(kind) = &filter.target_kind {
                        query.push(" AND target_kind = ").push_bind(kind.clone());
                    }
                    if let Some(target) = &filter.target {
                        query.push(" AND target = ").push_bind(target.clone());
                    }
                    if let Some(package) = &filter.package {
                        query.push(" AND package = ").push_bind(package.clone());
                    }
                    if filter.public_only {
                        query.push(" AND package IS NOT NULL");
                    }
                    if let Some(before) = page.before {
                        query.push(" AND id < ").push_bind(before);
                    }
                    let limit = page.limit.clamp(1, PageRequest::MAX_LIMIT);
                    query
                        .push(" ORDER BY id DESC LIMIT ")
                        .push_bind(i64::from(limit) + 1);
                    let found = query
                        .build()
                        .fetch_all(self.read_pool())
                        .await
                        .map_err(db_error)?;
                    let mut items = found
                        .iter()
                        .map(rows::audit_event)
                        .collect::<StoreResult<Vec<_>>>()?;
                    let next = if items.len() > limit as usize {
                        items.truncate(limit as usize);
                        items.last().map(|e| e.id)
                    } else {
                        None
                    };
                    Ok(Page { items, next })
                }
            }
        };
    };
}

pub(crate) use moderation_store;
