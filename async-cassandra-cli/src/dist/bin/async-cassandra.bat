@echo off
rem async-cassandra: export and count Cassandra tables. Needs only a JDK (or JRE) 17 or newer:
rem JAVA_HOME, else the java on the PATH. ASYNC_CASSANDRA_JAVA_OPTS adds JVM options.
setlocal
set "ASYNC_CASSANDRA_HOME=%~dp0.."
if defined JAVA_HOME (
  set "ASYNC_CASSANDRA_JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "ASYNC_CASSANDRA_JAVA=java"
)
rem The serial collector, unless the options already choose one (see bin/async-cassandra for why).
set "ASYNC_CASSANDRA_GC=-XX:+UseSerialGC"
echo(%ASYNC_CASSANDRA_JAVA_OPTS% %JDK_JAVA_OPTIONS% %JAVA_TOOL_OPTIONS%| findstr /r /c:"-XX:+Use[A-Za-z0-9]*GC" >nul && set "ASYNC_CASSANDRA_GC="
"%ASYNC_CASSANDRA_JAVA%" %ASYNC_CASSANDRA_GC% %ASYNC_CASSANDRA_JAVA_OPTS% -cp "%ASYNC_CASSANDRA_HOME%\lib\*" org.asynccassandra.cli.AsyncCassandraCli %*
exit /b %ERRORLEVEL%
