-- Roles (PostgreSQL): adds `reviewer`. Keep in step with ../sqlite/0007_roles.sql.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'reviewer', 'admin'));
